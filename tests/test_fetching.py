"""bot.fetching: the safe article fetch, against local servers only (no outside network)."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.test_utils import TestServer

from bot.config import load_settings
from bot.fetching import Article, FetchError, article_from_bytes, article_from_file, fetch_article
from bot.fetching import _http as fetching

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

PARAGRAPHS = [
    "Negotiators from Washington and Beijing met in Geneva on Saturday for a second round of "
    "talks on tariffs, officials from both sides said, as markets waited for signs of a truce "
    "in the trade war that has rattled supply chains around the world.",
    "The American delegation was led by the Treasury secretary, who told reporters that the "
    "discussions had been constructive and that both teams would keep working through the night "
    "to narrow their differences on the remaining issues.",
    "Chinese officials, speaking on condition of anonymity, said Beijing was prepared to lower "
    "some of its retaliatory duties if Washington took the first step, though they cautioned "
    "that no agreement had yet been reached on the most contentious points.",
]
ZH = [
    "中美双方代表周六在日内瓦举行了第二轮关税谈判，双方官员表示，市场正在等待贸易战停火的信号，"
    "这场贸易战已经扰乱了全球供应链。",
    "美国代表团由财政部长率领，他对记者说，讨论是建设性的，两个团队将连夜工作，以缩小在剩余问题上的分歧。",
    "中方官员表示，如果华盛顿先迈出第一步，北京准备降低部分报复性关税，但他们提醒说，"
    "在最具争议的问题上尚未达成协议。",
]
JA = [
    "米中両国の代表は土曜日、ジュネーブで関税をめぐる二回目の協議を行った。双方の当局者によると、"
    "市場は世界の供給網を揺るがしてきた貿易戦争の休戦の兆しを待っている。",
    "米国の代表団を率いた財務長官は記者団に対し、協議は建設的であり、残る問題の溝を埋めるため、"
    "両チームが夜を徹して作業を続けると述べた。",
    "中国の当局者は匿名を条件に、米国が先に一歩を踏み出せば、北京は報復関税の一部を引き下げる用意が"
    "あると語ったが、最も対立する点ではまだ合意に達していないと注意を促した。",
]


def page(head: str = "", paragraphs: list[str] = PARAGRAPHS, title: str = "Talks resume") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><title>{title} | Example News</title>{head}</head><body>"
        '<nav><a href="/">Home</a> <a href="/world">World</a></nav>'
        f"<article><h1>{title}</h1>{body}</article>"
        "<footer>&copy; Example News</footer></body></html>"
    )


@dataclass
class Site:
    """A local web server whose pages the tests set; it records every path requested."""

    base: str = ""
    pages: dict[str, Handler] = field(default_factory=dict)
    seen: list[str] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    def url(self, path: str = "/") -> str:
        return self.base + path

    def add(self, path: str, body: str | bytes, content_type: str = "text/html; charset=utf-8",
            status: int = 200, headers: dict[str, str] | None = None) -> None:  # fmt: skip
        data = body.encode() if isinstance(body, str) else body

        async def handler(request: web.Request) -> web.StreamResponse:
            all_headers = {"Content-Type": content_type, **(headers or {})}
            return web.Response(body=data, status=status, headers=all_headers)

        self.pages[path] = handler

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.add(path, b"", status=status, headers={"Location": location})

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.seen.append(request.path)
        handler = self.pages.get(request.path)
        return await handler(request) if handler else web.Response(status=404)


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    s = Site()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", s.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    s.base = f"http://127.0.0.1:{server.port}"
    try:
        yield s
    finally:
        s.release.set()
        await server.close()


async def fetch(url: str, **kwargs: object) -> Article:
    return await fetch_article(url, allow_private=True, **kwargs)  # type: ignore[arg-type]


# --- addresses and schemes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["not a url", "javascript:alert(1)", "file:///etc/passwd", "ftp://example.com/story",
     "http://", "https:///story", "example.com/story", ""],
)  # fmt: skip
async def test_only_http_and_https_links_are_fetched(url: str) -> None:
    with pytest.raises(FetchError, match="is not a web address; give an http") as err:
        await fetch_article(url)
    assert "\n" not in str(err.value)


async def test_the_bots_own_address_is_refused_before_any_request(site: Site) -> None:
    site.add("/", page())
    with pytest.raises(FetchError, match=r"private network \(127\.0\.0\.1\)"):
        await fetch_article(site.url())
    assert site.seen == []


async def test_a_name_that_resolves_to_loopback_is_refused(site: Site) -> None:
    site.add("/", page())
    with pytest.raises(FetchError, match="refused localhost"):
        await fetch_article(site.url().replace("127.0.0.1", "localhost"))
    assert site.seen == []


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0",
     "224.0.0.1", "240.0.0.1", "100.64.0.1", "::1", "::", "fe80::1", "fd00::1", "ff02::1",
     "::ffff:127.0.0.1", "::ffff:10.0.0.1"],
)  # fmt: skip
async def test_private_and_reserved_literals_are_refused(address: str) -> None:
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(FetchError, match="private network"):
        await fetch_article(f"http://{host}:9/story")


def test_public_addresses_pass_the_check() -> None:
    for address in ("93.184.216.34", "2606:2800:220:1::1", "::ffff:93.184.216.34"):
        fetching.check_url(f"http://[{address}]/" if ":" in address else f"http://{address}/",
                            allow_private=False)  # fmt: skip


class FakeDNS(AbstractResolver):
    """news.test is the local server (allowed by the test's policy), intranet.test is 10.0.0.5."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        ip = {"news.test": "127.0.0.1", "intranet.test": "10.0.0.5"}[host]
        return [ResolveResult(hostname=host, host=ip, port=port, family=socket.AF_INET,
                              proto=0, flags=socket.AI_NUMERICHOST)]  # fmt: skip

    async def close(self) -> None:
        pass


async def test_every_redirect_hop_is_resolved_and_checked(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused = fetching._refused
    monkeypatch.setattr(fetching, "_refused", lambda ip: str(ip) != "127.0.0.1" and refused(ip))
    monkeypatch.setattr(fetching, "DefaultResolver", FakeDNS)
    port = site.base.rsplit(":", 1)[1]
    site.add("/story", page())
    site.redirect("/", f"http://news.test:{port}/story")
    article = await fetch_article(f"http://news.test:{port}/")  # the policy lets this one through
    assert article.url == f"http://news.test:{port}/story"
    site.redirect("/go", f"http://intranet.test:{port}/story")
    with pytest.raises(FetchError, match=r"refused intranet\.test.*\(10\.0\.0\.5\)"):
        await fetch_article(f"http://news.test:{port}/go")
    site.redirect("/literal", f"http://127.0.0.2:{port}/story")
    with pytest.raises(FetchError, match=r"\(127\.0\.0\.2\)"):
        await fetch_article(f"http://news.test:{port}/literal")
    assert site.seen == ["/", "/story", "/go", "/literal"]


# --- redirects, size, time, status -----------------------------------------------------------


async def test_redirects_are_followed_and_the_final_url_kept(site: Site) -> None:
    site.redirect("/a", "/b", status=301)
    site.redirect("/b", site.url("/c"), status=307)
    site.add("/c", page())
    article = await fetch(site.url("/a"))
    assert article.url == site.url("/c") and site.seen == ["/a", "/b", "/c"]


async def test_redirect_to_another_scheme_is_refused(site: Site) -> None:
    site.redirect("/", "file:///etc/passwd")
    with pytest.raises(FetchError, match="redirects to 'file:///etc/passwd', which is not a web"):
        await fetch(site.url())


async def test_redirect_loops_and_long_chains_are_refused(site: Site) -> None:
    site.redirect("/a", "/b")
    site.redirect("/b", "/a")
    with pytest.raises(FetchError, match="redirects in a loop"):
        await fetch(site.url("/a"))
    for i in range(5):
        site.redirect(f"/r{i}", f"/r{i + 1}")
    site.add("/r5", page())
    with pytest.raises(FetchError, match="redirects more than 3 times"):
        await fetch(site.url("/r0"), max_redirects=3)
    assert site.seen.count("/r3") == 1 and "/r4" not in site.seen
    assert (await fetch(site.url("/r0"), max_redirects=5)).url == site.url("/r5")


async def test_a_huge_page_is_refused_without_reading_it_all(site: Site) -> None:
    sent = 0

    async def endless(request: web.Request) -> web.StreamResponse:
        nonlocal sent
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})
        await resp.prepare(request)
        chunk = b"<p>" + b"word " * 13_000 + b"</p>"
        try:
            while sent < 50_000_000:
                await resp.write(chunk)
                sent += len(chunk)
        except (ConnectionError, RuntimeError):
            pass
        return resp

    site.pages["/big"] = endless
    with pytest.raises(FetchError, match="larger than 5 MB"):
        await fetch(site.url("/big"))
    assert sent < 25_000_000


async def test_a_declared_length_over_the_limit_is_refused_before_the_body(site: Site) -> None:
    async def declared(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})
        resp.content_length = 50_000_000
        await resp.prepare(request)
        await resp.write(b"<html>")
        await site.release.wait()  # the body never comes; the client must not wait for it
        return resp

    site.pages["/big"] = declared
    with pytest.raises(FetchError, match="larger than 1 MB"):
        await fetch(site.url("/big"), max_bytes=1_000_000, timeout=2)


async def test_a_slow_page_hits_the_time_limit(site: Site) -> None:
    async def slow(request: web.Request) -> web.StreamResponse:
        await site.release.wait()
        return web.Response(text=page(), content_type="text/html")

    site.pages["/slow"] = slow
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"took longer than 0\.3 s"):
        await fetch(site.url("/slow"), timeout=0.3)
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize(("status", "reason"), [(404, "Not Found"), (503, "Service Unavailable")])
async def test_http_errors_name_the_status(site: Site, status: int, reason: str) -> None:
    site.add("/", page(), status=status)
    with pytest.raises(FetchError, match=f"the site answered {status} {reason}"):
        await fetch(site.url())


async def test_a_site_that_is_not_there(site: Site) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError, match=r"could not connect to 127\.0\.0\.1"):
        await fetch(f"http://127.0.0.1:{port}/")


# --- decoding ----------------------------------------------------------------------------------


async def test_latin1_page_by_its_http_charset(site: Site) -> None:
    text = [p.replace("Geneva", "Genève, near Zürich,") for p in PARAGRAPHS]
    site.add("/", page(paragraphs=text).encode("iso-8859-1"), "text/html; charset=ISO-8859-1")
    article = await fetch(site.url())
    assert "Genève, near Zürich," in article.text


async def test_gbk_page_by_its_meta_charset(site: Site) -> None:
    html = page('<meta charset="gbk">', ZH, title="中美贸易谈判在日内瓦恢复")
    site.add("/", html.encode("gbk"), "text/html")
    article = await fetch(site.url())
    assert ZH[1] in article.text and article.title == "中美贸易谈判在日内瓦恢复"


async def test_shift_jis_page_by_http_equiv_and_by_detection(site: Site) -> None:
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">'
    site.add("/declared", page(meta, JA).encode("shift_jis"), "text/html")
    site.add("/undeclared", page("", JA).encode("shift_jis"), "text/html")
    for path in ("/declared", "/undeclared"):
        assert JA[2] in (await fetch(site.url(path))).text


# --- extraction and metadata -------------------------------------------------------------------


async def test_article_text_and_metadata(site: Site) -> None:
    head = (
        '<meta property="og:site_name" content="Example News">'
        '<meta name="author" content="Jane Doe">'
        '<meta property="article:published_time" content="2025-05-10T23:30:00-04:00">'
    )
    site.add("/story", page(head))
    article = await fetch(site.url("/story"))
    assert article.text == "\n\n".join(PARAGRAPHS)
    assert (article.title, article.outlet, article.author) == (
        "Talks resume", "Example News", "Jane Doe"
    )  # fmt: skip
    assert article.published == datetime(2025, 5, 11, 3, 30, tzinfo=UTC)
    assert article.published is not None and article.published.utcoffset() == timedelta(hours=-4)
    assert article.published_date == date(2025, 5, 10)  # the page's own day
    assert article.url == site.url("/story")


def test_published_instant_from_json_ld_and_time_elements() -> None:
    ld = (
        '<script type="application/ld+json">{"@graph": [{"@type": "WebPage"}, '
        '{"@type": "NewsArticle", "datePublished": "2025-05-12T08:15:00+08:00"}]}</script>'
    )
    article = article_from_bytes(page(ld).encode(), content_type="text/html")
    assert article.published == datetime(2025, 5, 12, 8, 15, tzinfo=timezone(timedelta(hours=8)))
    timed = page().replace("<h1>", '<time datetime="2025-05-13T10:00:00Z">13 May</time><h1>')
    article = article_from_bytes(timed.encode(), name="story.html")
    assert article.published == datetime(2025, 5, 13, 10, 0, tzinfo=UTC)


def test_a_date_without_a_time_gives_only_the_date() -> None:
    head = '<meta property="article:published_time" content="2025-05-12">'
    article = article_from_bytes(page(head).encode(), content_type="text/html")
    assert article.published is None and article.published_date == date(2025, 5, 12)
    article = article_from_bytes(page().encode(), content_type="text/html")
    assert article.published is None and article.published_date is None


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (page(paragraphs=["Subscribe to continue reading. Already a subscriber? Log in."]),
         "paywall"),
        ("<html><body><h1>Latest</h1><ul>" + "".join(
            f'<li><a href="/s{i}">Story {i} about trade and tariffs today</a></li>'
            for i in range(40)) + "</ul></body></html>", "index"),
        ("", "empty"),
        ("<html><head><title>Nothing</title></head><body></body></html>", "blank"),
    ],
)  # fmt: skip
async def test_pages_without_article_text_are_refused(site: Site, body: str, where: str) -> None:
    site.add("/", body)
    with pytest.raises(FetchError, match=r"found no article text on that page \(a paywall"):
        await fetch(site.url())


async def test_a_pdf_link_is_refused_with_advice(site: Site) -> None:
    site.add("/report.pdf", b"%PDF-1.7\n" + b"x" * 1000, "application/pdf")
    with pytest.raises(FetchError, match="that link is a PDF, not a web page; paste the article"):
        await fetch(site.url("/report.pdf"))
    site.add("/image", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "image/png")
    with pytest.raises(FetchError, match="that link is an image"):
        await fetch(site.url("/image"))


async def test_plain_text_over_http_is_taken_as_is(site: Site) -> None:
    site.add("/story.txt", "Talks resume in Geneva\n\n" + "\n\n".join(PARAGRAPHS), "text/plain")
    article = await fetch(site.url("/story.txt"))
    assert article.title == "Talks resume in Geneva" and article.text == "\n\n".join(PARAGRAPHS)
    assert article.outlet is None and article.published is None


# --- files and attachments ---------------------------------------------------------------------


def test_a_text_file_with_a_headline(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(("\ufeffTalks resume in Geneva\r\n" + "\r\n".join(PARAGRAPHS)).encode())
    article = article_from_file(path)
    assert article.title == "Talks resume in Geneva" and article.url is None
    assert article.text == "\n\n".join(PARAGRAPHS)


def test_a_text_file_without_a_headline_keeps_its_first_line(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("\n\n".join(PARAGRAPHS), encoding="cp1252")
    article = article_from_file(path)
    assert article.title is None and article.text.startswith("Negotiators from Washington")


def test_an_attachment_in_a_legacy_encoding() -> None:
    data = "Talks resume\n\n" + "\n\n".join(p.replace("Geneva", "Genève") for p in PARAGRAPHS)
    article = article_from_bytes(data.encode("cp1252"), content_type="text/plain", name="a.txt")
    assert "Genève" in article.text


@pytest.mark.parametrize(
    ("data", "content_type", "name", "message"),
    [
        (b"", None, "a.txt", "that file is empty"),
        (b"  \n\n ", "text/plain", None, "that file is empty"),
        (b"%PDF-1.4\n" + bytes(range(256)), None, "report", "that file is a PDF, not text"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png", "x.png", "that file is an image"),
        (b"\xff\xd8\xff\xe0" + bytes(200), None, "photo", "that file is an image"),
        (b"PK\x03\x04" + bytes(range(256)) * 4, None, "a.docx", "binary content, not text"),
        (bytes(range(128, 256)) * 10, None, None, "binary content, not text"),
        (b"PK\x03\x04", "application/zip", None, "that file is application/zip content"),
        (b"Just a few words here.", "text/plain", None, "no article text in that file"),
    ],
)
def test_files_that_are_not_articles_are_refused(
    data: bytes, content_type: str | None, name: str | None, message: str
) -> None:
    with pytest.raises(FetchError, match=message) as err:
        article_from_bytes(data, content_type=content_type, name=name)
    assert "\n" not in str(err.value)


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match=r"could not read nothing\.txt"):
        article_from_file(tmp_path / "nothing.txt")


# --- the setting -------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [(None, False), ("1", True), ("true", True),
                                                 ("0", False), ("", False)])  # fmt: skip
def test_fetch_allow_private_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str | None, expected: bool
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("FETCH_ALLOW_PRIVATE", raising=False)
    if value is not None:
        monkeypatch.setenv("FETCH_ALLOW_PRIVATE", value)
    assert load_settings().fetch_allow_private is expected
