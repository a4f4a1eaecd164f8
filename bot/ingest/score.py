"""Stage 4, the score of a claim that is new to the record (an event or a milestone the
record lacks): who acts (named people count most; a government body stands in for them), how
it is dated, the words of an act, and what marks it as no fact of its own (hearsay, remarks,
travel, a page's summary of itself, a reaction, what someone said would come). Proposals under
bot.ingest.pipeline.THRESHOLD are held back. Pure."""

from __future__ import annotations

import re

from bot.dates import Precision
from bot.ingest.claim import Claim
from bot.ingest.cues import EXPIRES

STRONG = re.compile(
    r"\b(held|met|meet|signed|agreed|announced|imposed|ruled|spoke|call|talks|round|summit|"
    r"visit|consultations|delegation|proclamation|notice|order|ruling|launched|opened|"
    r"published|confirmed|added|restored|issued|approved|granted|banned|booked|ordered|"
    r"upheld|blacklisted|opened|began|filed|bought|purchased)\b",
    re.IGNORECASE,
)
REMARKS = re.compile(
    r"\b(?:(?:regular|daily|weekly) (?:press|news) (?:conference|briefing)|made the remarks|"
    r"in response to a (?:reporter's )?question|told reporters|at a panel|on a panel)\b",
    re.IGNORECASE,
)
"""A spokesperson's or a panel's remarks: the day they spoke is not a fact of the record
(what they announced, when dated, is a claim of its own)."""

AGENCY = re.compile(
    r"\b(?:ministry|customs|tariff commission|state council|ustr|trade representative's office|"
    r"commerce department|treasury|white house|federal register|trade court|court of "
    r"international trade|federal circuit|supreme court|cbp|mofcom|general administration|"
    r"international trade commission|itc|cofco|sinograin|unipec|petrochina|"
    r"china aviation supplies|working teams|negotiators)\b",
    re.IGNORECASE,
)
"""A government body (or a state buyer) as the subject of a dated act, where a person would
otherwise be."""

HEARSAY = re.compile(
    r"^(?:observers|analysts|traders|investors|economists|some|many|critics|business "
    r"delegates)\b|\b(?:expected|hoped|believed|speculat\w*)\b",
    re.IGNORECASE,
)
TRAVEL = re.compile(
    r"\b(?:arrived|landed|flew in(?:to)?|touched down|left for|departed for)\b", re.IGNORECASE
)
"""Travel: a delegation's arrival is part of its visit, not a fact of its own."""
SAID_SO = re.compile(
    r"^\w+(?: \w+)?(?:,? \w+ time,?)?\s+that\b.{0,120}?\b(?:will|would|could|should|may|might)\b|"
    r"^\w+(?: \w+)?\s+(?:television|TV)\b",
    re.IGNORECASE,
)
"""What someone said of the day would come: the saying is no fact of its own (what they said
is one, when it has a date)."""
REACTION = re.compile(
    r"\b(?:welcomed|praised|hailed|critici[sz]ed|condemned|slammed|denounced|applauded|"
    r"firmly opposes)\b",
    re.IGNORECASE,
)
"""A reaction to the news ("welcomed the exclusions in a statement"): not a fact of its own."""
MARKET = re.compile(
    r"\b(?:shares|stocks|futures|indexes|indices|index|bourses?|yuan|yields?)\b[^.;]{0,60}?"
    r"\b(?:closed|ended|rose|fell|rallied|gained|slipped|jumped|climbed|dropped|posted|traded|"
    r"edged)\b",
    re.IGNORECASE,
)
"""Market colour ("European shares closed slightly higher on Monday"): the day's trading is
no fact of the record, whatever news it followed."""
DEAL_AFTER = re.compile(r"\bafter\b[^.;]{0,80}?\b(?:signed|bought|booked|ordered)\b", re.IGNORECASE)
"""Trading that followed a deal ("futures rose after a COFCO-led delegation signed
agreements"): the deal is the news."""
MEASURE_NOTICE = re.compile(
    r"\b(?:announced|issued|published|released)\b[^.;]{0,80}?\b(?:(?:final|preliminary) "
    r"(?:affirmative )?determination|announcement no\.|modifications? (?:to|of)|announcement on "
    r"the)\b",
    re.IGNORECASE,
)
"""A body's notice of a rate ("the Commerce Department issued its final affirmative
determination", "issued Announcement No. 16 of 2026"): the rate it sets is the news."""
SELF_DESCRIBED = re.compile(
    r"^This (?:notice|summary|bulletin|alert|client alert|note|update|newsletter|report|"
    r"briefing|article)\s+(?:summari[sz]es|covers|describes|reviews|looks at)\b",
    re.IGNORECASE,
)
"""A page's sentence about itself ("This notice summarizes CBP CSMS #67204518, issued ...")."""


def new_fact_score(c: Claim) -> float:
    """The score of a dated claim that matches nothing recorded."""
    score = 1.0 + 2 * min(len(c.people), 2) + (0.5 if c.found and not c.relative else 0)
    if not c.people and AGENCY.search(c.sentence):
        score += 1  # a government body acting: the ministry, customs, USTR, the court
    if STRONG.search(c.sentence):
        score += 1
    if c.kind == "milestone" and not c.people and EXPIRES.search(c.sentence):
        score += 1
    if c.clause is not None:
        score += 1.5  # what a procedure makes due: the procedure is the actor
    if HEARSAY.search(c.sentence):
        score -= 1
    if REMARKS.search(c.sentence) and c.kind == "event":
        score -= 2
    if c.kind == "event" and (TRAVEL.search(c.sentence) or SELF_DESCRIBED.match(c.sentence)):
        score -= 3  # a delegation's arrival is part of its visit; a page's own summary
    if c.kind == "event" and REACTION.search(c.sentence):
        score -= 2
    if c.kind == "event" and MARKET.search(c.sentence) and not DEAL_AFTER.search(c.sentence):
        score -= 2
    if c.kind == "event" and not c.people and MEASURE_NOTICE.search(c.sentence):
        score -= 2  # the announcement of a rate is the rate's own proposal (gold rule 2)
    if c.kind == "event" and c.found is not None and SAID_SO.search(c.sentence[c.found.start :]):
        score -= 2  # "Lutnick said on Friday that the duty starts January 1": the saying
    if c.when is not None and c.when.precision in (Precision.YEAR, Precision.QUARTER):
        score -= 2
    return score
