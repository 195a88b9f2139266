"""Pydantic models, one per table. GENERATED from schemas/*.json by
``python -m ukraine_talks_data.package.codegen``: do not edit by hand."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Record(BaseModel):
    """Base of all table models: strict about unknown fields, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Record):
    """A row of `sources`: The news articles the dataset is extracted from, one row per seed file."""

    source_id: str = Field(pattern='^S[0-9]{3,}$', description='Identifier of the source article.')
    path: str = Field(pattern='^seeds/[0-9]{3}_[0-9a-f]{16}\\.txt$', description='Path of the seed file relative to the package root.')
    outlet: str | None = Field(default=None, description='Publishing outlet: named in the seed (outlet_basis stated) or identified from a public copy of the article (identified); empty where neither (unidentified).')
    outlet_basis: Literal['stated', 'identified', 'unidentified'] = Field(description='stated: the seed names its outlet; identified: established from outside the seed (see outlet_note); unidentified: no outlet could be established.')
    url: str | None = Field(default=None, pattern='^https://[^\\s]+$', description='Canonical address of the article at its outlet, identified from a public copy found there (see outlet_note); empty where none was found.')
    outlet_note: str | None = Field(default=None, description='What identified the outlet and url (the public copy found and what of the seed it matches), or why they are unknown.')
    title: str = Field(min_length=1, description="Headline: the seed's first line, verbatim.")
    published: dt.date | None = Field(default=None, description='Publication date as stated in the seed; empty where the text does not state it.')
    inferred_published: dt.date | None = Field(default=None, description='Where published is empty: the publication date inferred from the text (see published_note).')
    updated: dt.date | None = Field(default=None, description="Date of the latest update the seed states (an 'Updated' line or 'UPDATE dd/mm/yyyy' heading); empty if none.")
    published_note: str | None = Field(default=None, description='How published/inferred_published was read or inferred, quoting the seed.')
    sha256: str = Field(pattern='^[0-9a-f]{64}$', description="SHA-256 of the seed file's bytes, lowercase hex.")
    language: Literal['en'] = Field(description='Language of the text (ISO 639-1).')


class Actor(Record):
    """A row of `actors`: People, organisations, states, groups and anonymous speakers named in the seeds."""

    actor_id: str = Field(pattern='^[a-z][a-z0-9_]*$', description='Identifier: a lowercase slug of the name.')
    name: str = Field(min_length=1, description='Canonical name, as the seeds spell it most often.')
    kind: Literal['person', 'organization', 'state', 'group', 'anonymous'] = Field(description='What sort of actor this is.')
    role: str | None = Field(default=None, description='Title or function held in January 2022, as the seeds give it.')
    affiliation_id: str | None = Field(default=None, pattern='^[a-z][a-z0-9_]*$', description='Actor this one belongs to or speaks for (→ actors).')
    aliases: list[str] | None = Field(default=None, description="Every other spelling or description the seeds use for this actor, separated by '|'.")
    iso3: str | None = Field(default=None, pattern='^[A-Z]{3}$', description='For states: ISO 3166-1 alpha-3 country code.')
    cameo_actor_code: str | None = Field(default=None, pattern='^([A-Z]{3})+$', description="CAMEO actor code (CAMEO 1.1b3 codebook): a state's code, IGO code, region, or a state or region followed by a role code (GOV, MIL, MED); see codebook 5.1.")
    wikidata_qid: str | None = Field(default=None, pattern='^Q[1-9][0-9]*$', description='Wikidata item id, only where a public page or document shows it for this actor (named in codes_note); empty otherwise.')
    codes_note: str | None = Field(default=None, description='What the codes rest on, or why one is left empty.')
    notes: str | None = Field(default=None, description="Annotator's remarks, e.g. how an anonymous or role-only mention was resolved.")


class Event(Record):
    """A row of `events`: Meetings, talks, briefings, calls, document deliveries, publications, exercises and market moves that the seeds date."""

    event_id: str = Field(pattern='^E[0-9]{3,}$', description='Identifier of the event.')
    title: str = Field(min_length=1, description='Short neutral title.')
    event_type: Literal['talks', 'meeting', 'briefing', 'press_conference', 'call', 'document_delivery', 'publication', 'military_exercise', 'market_move', 'statement'] = Field(description='Kind of event (see docs/codebook.md).')
    date: dt.date = Field(description='Day the event took place (or began).')
    end_date: dt.date | None = Field(default=None, description='Last day, for events spanning several days; empty for one-day events.')
    date_precision: Literal['day', 'month', 'year'] = Field(description='How precisely date is known.')
    date_basis: Literal['stated', 'inferred'] = Field(description="stated: the date is written in the seed; inferred: worked out from a weekday, 'yesterday', an update heading or a dated event (see date_note).")
    date_note: str | None = Field(default=None, description="For inferred dates: what the date was inferred from, quoting the seed's words.")
    location: str | None = Field(default=None, description='Place, as the seeds give it (city, building).')
    city: str | None = Field(default=None, description="City of the event's location, where the seeds name the city or a building in it (GeoNames' English name).")
    country_iso3: str | None = Field(default=None, pattern='^[A-Z]{3}$', description="ISO 3166-1 alpha-3 code of the city's country.")
    geonames_id: str | None = Field(default=None, pattern='^[1-9][0-9]*$', description='GeoNames id of the city (digits), where a public page or document found shows it (see place_note).')
    latitude: float | None = Field(default=None, ge=-90, le=90, description='Latitude of the city (WGS 84, decimal degrees, 4 decimals).')
    longitude: float | None = Field(default=None, ge=-180, le=180, description='Longitude of the city (WGS 84, decimal degrees, 4 decimals).')
    place_note: str | None = Field(default=None, description='What city and its codes rest on, or why no city is given.')
    duration: str | None = Field(default=None, description='Duration as stated in the seeds, verbatim; conflicting statements are recorded in disagreements.')
    parent_event_id: str | None = Field(default=None, pattern='^E[0-9]{3,}$', description='A larger event this one is part of (→ events).')
    plover_type: Literal['AGREE', 'CONSULT', 'SUPPORT', 'COOPERATE', 'AID', 'CONCEDE', 'RETREAT', 'ACCUSE', 'DEMAND', 'REJECT', 'THREATEN', 'PROTEST', 'MOBILIZE', 'SANCTION', 'COERCE', 'ASSAULT'] | None = Field(default=None, description='PLOVER event type of this row; empty where the CAMEO code has no PLOVER equivalent (CAMEO 01 and 02). Must agree with categories for cameo_code.')
    cameo_code: str = Field(pattern='^[0-9]{2,4}$', description='CAMEO event code (→ categories).')
    notes: str | None = Field(default=None, description="Annotator's remarks.")


class Statement(Record):
    """A row of `statements`: Every quotation and every sentence of reported speech in the seeds, one row per attestation."""

    statement_id: str = Field(pattern='^ST[0-9]{4,}$', description='Identifier of this attestation.')
    utterance_id: str = Field(pattern='^U[0-9]{3,}$', description='The utterance this attests: rows reporting the same remark (in any source or translation) share it.')
    speaker_id: str = Field(pattern='^[a-z][a-z0-9_]*$', description='Who actually said or wrote it (→ actors).')
    target_id: str | None = Field(default=None, pattern='^[a-z][a-z0-9_]*$', description='Whom it is addressed to or about, where clear (→ actors).')
    date: dt.date = Field(description='Day it was said; for an inferred date that the seeds fix only to a range, the latest possible day (the first of the month for a month-only date), with the range in date_earliest and date_latest.')
    date_earliest: dt.date | None = Field(default=None, description='Where the seeds fix the date only to a range: the earliest possible day; empty where they give no lower bound, or where date is exact (then date_latest is empty too).')
    date_latest: dt.date | None = Field(default=None, description='Where the seeds fix the date only to a range: the latest possible day (the last day of the month for a month-only date); empty where date is exact.')
    date_basis: Literal['stated', 'inferred'] = Field(description="stated: the date is written in the seed; inferred: worked out from a weekday, 'yesterday', an update heading or a dated event (see date_note).")
    date_note: str | None = Field(default=None, description="For inferred dates: what the date was inferred from, quoting the seed's words.")
    event_id: str | None = Field(default=None, pattern='^E[0-9]{3,}$', description='Event it was made at or about (→ events).')
    event_relation: Literal['made_at', 'about'] | None = Field(default=None, description='made_at: said at the event; about: said elsewhere about it. Empty when event_id is empty.')
    channel: Literal['news_conference', 'reporters', 'written_statement', 'telegram', 'news_agency', 'interview', 'article', 'meeting', 'address'] | None = Field(default=None, description='How the words reached the public, where the seed says.')
    channel_actor_id: str | None = Field(default=None, pattern='^[a-z][a-z0-9_]*$', description='News agency or outlet the seed names as the channel (→ actors).')
    quote_type: Literal['direct', 'partial', 'paraphrase'] = Field(description='direct: a full quotation in quotation marks; partial: a few quoted words inside reported speech; paraphrase: reported speech without quotation marks.')
    source_id: str = Field(pattern='^S[0-9]{3,}$', description='Source article holding the statement (→ sources).')
    start_char: int = Field(ge=0, description='Start offset: Python str index into the UTF-8-decoded seed file, no normalisation.')
    end_char: int = Field(ge=1, description='End offset (exclusive); text == seed[start_char:end_char].')
    text: str = Field(min_length=1, description='The statement, verbatim: exactly the characters seed[start_char:end_char], curly quotes and non-breaking spaces kept.')
    plover_type: Literal['AGREE', 'CONSULT', 'SUPPORT', 'COOPERATE', 'AID', 'CONCEDE', 'RETREAT', 'ACCUSE', 'DEMAND', 'REJECT', 'THREATEN', 'PROTEST', 'MOBILIZE', 'SANCTION', 'COERCE', 'ASSAULT'] | None = Field(default=None, description='PLOVER event type of this row; empty where the CAMEO code has no PLOVER equivalent (CAMEO 01 and 02). Must agree with categories for cameo_code.')
    cameo_code: str = Field(pattern='^[0-9]{2,4}$', description='CAMEO event code (→ categories).')


class Demand(Record):
    """A row of `demands`: Demands, proposals, conditions and red lines stated by any side."""

    demand_id: str = Field(pattern='^D[0-9]{3,}$', description='Identifier of the demand.')
    demander_id: str = Field(pattern='^[a-z][a-z0-9_]*$', description='Who makes the demand (→ actors).')
    addressee_id: str | None = Field(default=None, pattern='^[a-z][a-z0-9_]*$', description='Whom it is addressed to (→ actors).')
    summary: str = Field(min_length=1, description='One-sentence neutral summary.')
    category: Literal['nato_enlargement', 'force_posture', 'nuclear_weapons', 'arms_control', 'security_guarantees', 'de_escalation', 'sanctions', 'negotiation', 'sovereignty'] = Field(description='Subject of the demand (see docs/codebook.md).')
    kind: Literal['demand', 'proposal', 'condition', 'red_line'] = Field(description='demand, proposal, condition or red line.')
    status: Literal['open', 'rejected', 'under_discussion', 'answered', 'accepted'] = Field(description='Where the seeds leave it (see docs/codebook.md).')
    first_stated: dt.date = Field(description='Earliest date the seeds show it stated.')
    status_note: str | None = Field(default=None, description='What the status rests on.')


class Evidence(Record):
    """A row of `evidence`: Evidence spans: the exact characters of a seed that support a row of sources, actors, events or demands."""

    evidence_id: str = Field(pattern='^EV[0-9]{4,}$', description='Identifier of the span.')
    row_table: Literal['sources', 'actors', 'events', 'demands'] = Field(description='Table of the supported row.')
    row_id: str = Field(min_length=1, description='Primary key of the supported row in row_table.')
    source_id: str = Field(pattern='^S[0-9]{3,}$', description='Source article holding the evidence (→ sources).')
    start_char: int = Field(ge=0, description='Start offset: Python str index into the UTF-8-decoded seed file, no normalisation.')
    end_char: int = Field(ge=1, description='End offset (exclusive); text == seed[start_char:end_char].')
    text: str = Field(min_length=1, description='The evidence, verbatim: exactly the characters seed[start_char:end_char], curly quotes and non-breaking spaces kept.')


class EventParticipant(Record):
    """A row of `event_participants`: Who took part in each event, and in what role, with the span that says so."""

    event_id: str = Field(pattern='^E[0-9]{3,}$', description='The event (→ events).')
    actor_id: str = Field(pattern='^[a-z][a-z0-9_]*$', description='The participant (→ actors).')
    role: Literal['head_of_delegation', 'delegation_member', 'participant', 'host', 'chair', 'speaker', 'sender', 'recipient', 'organizer'] = Field(description='Part played (see docs/codebook.md).')
    source_id: str = Field(pattern='^S[0-9]{3,}$', description='Source article holding the evidence (→ sources).')
    start_char: int = Field(ge=0, description='Start offset: Python str index into the UTF-8-decoded seed file, no normalisation.')
    end_char: int = Field(ge=1, description='End offset (exclusive); text == seed[start_char:end_char].')
    text: str = Field(min_length=1, description='The evidence, verbatim: exactly the characters seed[start_char:end_char], curly quotes and non-breaking spaces kept.')


class DemandStatement(Record):
    """A row of `demand_statements`: Which statements state, reject or answer which demand."""

    demand_id: str = Field(pattern='^D[0-9]{3,}$', description='The demand (→ demands).')
    statement_id: str = Field(pattern='^ST[0-9]{4,}$', description='The statement (→ statements).')
    relation: Literal['states', 'rejects', 'answers'] = Field(description='states: the statement makes the demand; rejects: it turns it down; answers: it responds without rejecting outright.')


class Disagreement(Record):
    """A row of `disagreements`: Points on which the sources disagree; each version is in disagreement_versions."""

    disagreement_id: str = Field(pattern='^X[0-9]{3,}$', description='Identifier of the disagreement.')
    row_table: Literal['events', 'statements', 'actors', 'demands'] = Field(description='Table of the row the disagreement is about.')
    row_id: str = Field(min_length=1, description='Primary key of that row.')
    field: str = Field(min_length=1, description='Field the sources disagree on.')
    description: str = Field(min_length=1, description='What the disagreement is.')


class DisagreementVersion(Record):
    """A row of `disagreement_versions`: Each source's version of a disputed value, with its evidence span."""

    disagreement_id: str = Field(pattern='^X[0-9]{3,}$', description='The disagreement (→ disagreements).')
    version: int = Field(ge=1, description='Number of this version within the disagreement, from 1.')
    value: str = Field(min_length=1, description="The value this source gives, normalised (e.g. '4 hours').")
    source_id: str = Field(pattern='^S[0-9]{3,}$', description='Source article holding the evidence (→ sources).')
    start_char: int = Field(ge=0, description='Start offset: Python str index into the UTF-8-decoded seed file, no normalisation.')
    end_char: int = Field(ge=1, description='End offset (exclusive); text == seed[start_char:end_char].')
    text: str = Field(min_length=1, description='The evidence, verbatim: exactly the characters seed[start_char:end_char], curly quotes and non-breaking spaces kept.')


class Category(Record):
    """A row of `categories`: Event-category vocabulary: CAMEO codes with their PLOVER event type, after the PLOVER project's CAMEO2PLOVER-2021 conversion table (PLOVER manual draft 0.8)."""

    cameo_code: str = Field(pattern='^[0-9]{2,4}$', description='CAMEO event code.')
    cameo_label: str = Field(min_length=1, description='CAMEO label of the code.')
    plover_type: Literal['AGREE', 'CONSULT', 'SUPPORT', 'COOPERATE', 'AID', 'CONCEDE', 'RETREAT', 'ACCUSE', 'DEMAND', 'REJECT', 'THREATEN', 'PROTEST', 'MOBILIZE', 'SANCTION', 'COERCE', 'ASSAULT'] | None = Field(default=None, description='PLOVER event type the conversion table maps the code to; empty for CAMEO 01 and 02, which it does not map.')
    definition: str = Field(min_length=1, description='How this dataset applies the category.')


class CoverageExclusion(Record):
    """A row of `coverage_exclusions`: Quotation-mark spans in the seeds that are not speech (titles, names, scare quotes already covered elsewhere), with the reason."""

    source_id: str = Field(pattern='^S[0-9]{3,}$', description='Source article holding the excluded quotation (→ sources).')
    start_char: int = Field(ge=0, description='Start offset: Python str index into the UTF-8-decoded seed file, no normalisation.')
    end_char: int = Field(ge=1, description='End offset (exclusive); text == seed[start_char:end_char].')
    text: str = Field(min_length=1, description='The excluded quotation, verbatim: exactly the characters seed[start_char:end_char], curly quotes and non-breaking spaces kept.')
    reason: str = Field(min_length=1, description='Why the span is not a statement.')


MODELS: dict[str, type[Record]] = {
    'sources': Source,
    'actors': Actor,
    'events': Event,
    'statements': Statement,
    'demands': Demand,
    'evidence': Evidence,
    'event_participants': EventParticipant,
    'demand_statements': DemandStatement,
    'disagreements': Disagreement,
    'disagreement_versions': DisagreementVersion,
    'categories': Category,
    'coverage_exclusions': CoverageExclusion,
}
