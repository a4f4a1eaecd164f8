"""A curator's decisions on queued proposals, through the store's audited write: accept (a
new item, or an update applied to the recorded one), cite the article on the item a
proposal repeats, reject with a reason. Used by /review; the reading and queueing of
articles is bot.ingesting.
"""

from __future__ import annotations

from bot import metrics
from bot.ingest import Proposal
from bot.ingest.items import ProposalError, cited, item_for, updated
from bot.ingesting import IngestError
from bot.models import ACCEPTED, CITED, REJECTED, AnyItem, Kind, Person
from bot.store import Actor, Queued, Store

MATCHABLE = (Kind.EVENT, Kind.MILESTONE, Kind.TARIFF, Kind.PERSON)


async def matched_item(store: Store, guild_id: int, item_id: str) -> AnyItem | None:
    for kind in MATCHABLE:
        item = await store.get_item(kind, item_id, guild_id)
        if item is not None:
            return item
    return None


async def accept(
    store: Store, guild_id: int, queued: Queued, actor: Actor, proposal: Proposal | None = None
) -> str:
    """Apply a proposal (as edited, when `proposal` is given) through the audited write;
    say what changed, or that the record already has it."""
    p = proposal or Proposal.model_validate(queued.data)
    if p.kind == "update":
        return await apply_update(store, guild_id, queued, actor, p)
    if p.kind == "source-only" or (p.matches and proposal is None):
        return await cite(store, guild_id, queued, actor)
    config = await store.guild_config(guild_id)
    kind = {"event": Kind.EVENT, "tariff": Kind.TARIFF, "milestone": Kind.MILESTONE}.get(
        p.kind, Kind.PERSON
    )
    people = {x.id for x in await store.list_typed(Person, guild_id)}
    try:
        item = item_for(
            p,
            source_id=queued.source_id,
            people=people,
            taken=await store.item_ids(kind, guild_id),
            zone=config.timezone,
        )
    except (ProposalError, ValueError) as exc:
        raise IngestError(f"Proposal #{queued.id} cannot be accepted as it stands: {exc}") from None
    await store.decide(
        guild_id, queued.id, status=ACCEPTED, actor=actor, items=[item], expect_new=True
    )
    metrics.proposal_decided("accepted")
    return f"Accepted #{queued.id}: added {kind.value} `{item.id}` citing `{queued.source_id}`."


async def apply_update(
    store: Store, guild_id: int, queued: Queued, actor: Actor, p: Proposal
) -> str:
    """Apply an update to the recorded item it names, through the audited write."""
    item = await matched_item(store, guild_id, p.matches or "")
    if item is None:
        raise IngestError(f"Proposal #{queued.id} names no item on record to update.")
    try:
        changed = updated(item, p, source_id=queued.source_id)
    except (ProposalError, ValueError) as exc:
        raise IngestError(f"Proposal #{queued.id} cannot be applied as it stands: {exc}") from None
    await store.decide(guild_id, queued.id, status=ACCEPTED, actor=actor, items=[changed])
    metrics.proposal_decided("accepted")
    assert p.change is not None
    return (
        f"Accepted #{queued.id}: `{item.id}` {p.change.field} is now {p.change.new} "
        f"(was {p.change.old or 'not on record'}), citing `{queued.source_id}`."
    )


async def cite(store: Store, guild_id: int, queued: Queued, actor: Actor) -> str:
    """Source only: cite the article on the item the proposal repeats."""
    item_id = str(queued.data.get("matches") or "")
    item = await matched_item(store, guild_id, item_id) if item_id else None
    if item is None:
        raise IngestError(
            f"Proposal #{queued.id} names no item on record to cite the article on; "
            "accept or edit it as a new item instead."
        )
    citing = cited(item, queued.source_id)
    if citing is None:  # an edit made it moot: record the decision, write nothing twice
        await store.decide(guild_id, queued.id, status=CITED, actor=actor, reason="already cited")
        metrics.proposal_decided("cited")
        return f"Nothing to do for #{queued.id}: `{item.id}` already cites `{queued.source_id}`."
    await store.decide(guild_id, queued.id, status=CITED, actor=actor, items=[citing])
    metrics.proposal_decided("cited")
    return f"Cited `{queued.source_id}` on `{item.id}` (#{queued.id})."


async def reject(store: Store, guild_id: int, queued: Queued, actor: Actor, reason: str) -> str:
    why = reason.strip()
    if not why:
        raise IngestError("Give a reason for rejecting it (other curators will read it).")
    await store.decide(guild_id, queued.id, status=REJECTED, actor=actor, reason=why[:500])
    metrics.proposal_decided("rejected")
    return f"Rejected #{queued.id}: {why[:200]}"
