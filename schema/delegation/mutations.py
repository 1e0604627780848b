"""Mutations of the delegation area: yearly agreements, delegating files to partners, naming the partner's worker,
and taking files back (Art. 2–4, Art. 6.1; seed 003).

Who serves a file is written in two places kept in step here: the `assignment` history (one live row per file,
enforced by the database) and the owner columns of the file itself (`assigned_partner_id`, `assigned_worker_id`
on the family, its members, or the child), which the scope filter and row-level security read. Changing both
in the request's one transaction is what makes a partner's access begin and end at the same instant.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, TypedDict

import strawberry
from tortoise import connections, timezone
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from auth.policy import AGREEMENT_ROWS
from auth.roles import Viewer
from auth.scope import within_scope
from models.delegation import Agreement as AgreementRow
from models.delegation import Assignment as AssignmentRow
from models.delegation import EndReason, FileLoad, Transition
from models.families import FileStatus
from models.organizations import Organization, OrganizationKind
from rules.caseload import check_family_caseload
from rules.delegation import (
    QuotaBreach,
    check_agreement,
    check_caseload_method,
    check_license,
    check_no_clinic_applicant,
    check_quota,
    check_quota_value,
    child_delegable,
    file_load,
)
from rules.grading import check_clinic_graded
from rules.jalali import jalali_year, jalali_year_bounds
from rules.staffing import StaffFacts, counts_for_caseload
from rules.supervision import check_partner_not_stopped
from schema.case_files import CaseFileFilter
from schema.children.queries import ChildFilter
from schema.common import clean_text, find_scoped, given, viewer_of
from schema.delegation.caseload import family_files, live_load, partner_norms
from schema.delegation.ownership import (
    end_delegation,
    live_assignment,
    record_transition,
    record_transitions,
    set_file_owners,
    set_files_owners,
)
from schema.delegation.types import Agreement, Assignment
from schema.errors import BadUserInput, Conflict, NotFound, QuotaExceeded
from schema.families.queries import FamilyFilter
from schema.node import expect_id
from schema.rowtypes import served_as
from schema.sources import id_set, scoped_rows
from schema.supervision.standing import partner_stopped

MAX_FILES = 10_000
"""Files one assignFiles call may delegate, named or chosen by a filter: the writes are set-based (issue #10, item 4),
so a county's whole backlog goes in one call; 10 000 global IDs stay well under the request size limit."""
NOTE_LENGTH = 2000


@strawberry.input(description="A yearly agreement (تفاهم‌نامه) with a partner and its quotas (Art. 4.2–4.3, Art. 6.1). "
                              "The province or the county office (Art. 6.1), or the national admin.")
class SignAgreementInput:
    partner_id: strawberry.ID = strawberry.field(description="The partner.")
    jalali_year: int = strawberry.field(description="The Jalali year it covers; one agreement per partner and year.")
    quota_rehabilitable: int = strawberry.field(description="Rehabilitable family files it may hold (level 3).")
    quota_non_rehabilitable: int = strawberry.field(description="Non-rehabilitable family files it may hold.")
    quota_children: int = strawberry.field(default=0, description="Children's follow-up files it may hold (seed 003).")
    signed_on: datetime.date = strawberry.field(description="When it was signed.")
    caseload_method: int | None = strawberry.field(
        default=None, description="Clinics: the caseload method of Art. 2.2 (1, 2 or 3), required. Other partners: "
                                  "leave out.")
    no_clinic_applicant: bool = strawberry.field(
        default=False, description="Charities and complexes: the office states that no one has applied to found a "
                                   "clinic in the county. With no licensed clinic there, this lets the partner take "
                                   "rehabilitable files (Art. 3 note 3). Other partners: leave out or false.")


@strawberry.input(description="Delegate files to a partner, all or none (county office). A file live with another "
                              "partner moves to this one.")
class AssignFilesInput:
    partner_id: strawberry.ID = strawberry.field(description="The partner.")
    family_ids: list[strawberry.ID] = strawberry.field(default_factory=list, description="Families to delegate.")
    child_ids: list[strawberry.ID] = strawberry.field(default_factory=list,
                                                      description="Children in family care to delegate.")
    family_filter: FamilyFilter | None = strawberry.field(
        default=None, description="Also delegate the families of your slice this filter matches that are in the "
                                  "support cycle and not with this partner already, in ID order, up to `limit`. Every "
                                  "one must be delegable, as a named file must.")
    child_filter: ChildFilter | None = strawberry.field(
        default=None, description="Also delegate the children this filter matches, as `familyFilter` does for "
                                  "families (after them, within the same `limit`).")
    limit: int | None = strawberry.field(
        default=None, description=f"With a filter, required: at most this many files chosen by the filters "
                                  f"(1–{MAX_FILES}).")


@strawberry.input(description="Name the worker of a file delegated to your organisation (partner manager). Give "
                              "exactly one of familyId and childId.")
class AssignWorkerInput:
    family_id: strawberry.ID | None = strawberry.field(default=None, description="The family.")
    child_id: strawberry.ID | None = strawberry.field(default=None, description="The child.")
    worker_id: strawberry.ID = strawberry.field(description="An active social worker of your organisation.")


@strawberry.input(description="Take a delegated file back to the county office (Art. 4.14). Give exactly one of "
                              "familyId and childId.")
class ReturnFileInput:
    family_id: strawberry.ID | None = strawberry.field(default=None, description="The family.")
    child_id: strawberry.ID | None = strawberry.field(default=None, description="The child.")
    reason: str = strawberry.field(description="Why it is taken back.")


@strawberry.type(description="The agreement signed.")
class AgreementPayload:
    agreement: Agreement = strawberry.field(description="The agreement.")


@strawberry.type(description="The assignments made, one per file.")
class AssignFilesPayload:
    assignments: list[Assignment] = strawberry.field(description="The new assignments, families first, in input order.")


@strawberry.type(description="The assignment changed.")
class AssignmentPayload:
    assignment: Assignment = strawberry.field(description="The assignment.")


class _FileKey(TypedDict, total=False):
    """The column naming a file, as keyword arguments: `family_id` or `child_id`, exactly one."""

    family_id: int
    child_id: int


@dataclass
class _File:
    """A file named in an input: the family or child row, the input field that named it, and its load."""

    row: Any
    field: str
    load: FileLoad | None = None

    @property
    def is_family(self) -> bool:
        return self.field == "familyIds"

    @property
    def input_field(self) -> str:
        """The single-file input field (familyId or childId)."""
        return "familyId" if self.is_family else "childId"

    def key(self) -> _FileKey:
        return {"family_id": self.row.id} if self.is_family else {"child_id": self.row.id}


def _distinct(ids: list[strawberry.ID], field: str) -> list[strawberry.ID]:
    if len(set(ids)) != len(ids):
        raise BadUserInput("The same file is named twice.", "یک پرونده دو بار آمده است.", field=field)
    return ids


# What delegating reads of a file (`_delegable`, `_delegate`): read as plain values, not model instances, so that a
# call naming 10 000 files does not build 10 000 of them (issue #10, item 4).
_FILE_FACTS = {"Family": ("id", "status", "rehabilitability", "province_id", "county_id"),
               "Child": ("id", "status", "discharged_on", "province_id", "county_id")}


async def _file_facts(found: Any, type_name: str) -> list[Any]:
    return [SimpleNamespace(**row) for row in await found.values(*_FILE_FACTS[type_name])]


async def _visible_files(info: strawberry.Info, type_name: str, ids: list[strawberry.ID], field: str) -> list[Any]:
    """The files the IDs name, in input order; NOT_FOUND on `field` if any is absent or outside the slice."""
    if not ids:
        return []
    keys = [expect_id(global_id, type_name, field) for global_id in _distinct(ids, field)]
    found = {row.id: row for row in await _file_facts(
        scoped_rows(info.context.viewer, type_name).filter(id__in=id_set(keys)), type_name)}
    if len(found) != len(keys):
        raise NotFound(field=field)
    return [found[key] for key in keys]


def _check_active(row: Any, field: str) -> None:
    if row.status is not FileStatus.ACTIVE:
        raise BadUserInput("The file has left the support cycle; it cannot be delegated.",
                           "پرونده از چرخه حمایت خارج شده است و واگذار نمی‌شود.", field=field)


async def _one_file(info: strawberry.Info, family_id: strawberry.ID | None, child_id: strawberry.ID | None) -> _File:
    """The one family or child an input names (exactly one of the two), within the caller's slice."""
    if given(family_id) == given(child_id):
        raise BadUserInput("Give exactly one of familyId and childId.", "دقیقاً یکی از familyId و childId را بفرستید.",
                           field="familyId")
    if given(family_id):
        return _File(await find_scoped(info, "Family", family_id, "familyId"), "familyIds")
    assert given(child_id)  # exactly one of the two, as checked above
    return _File(await find_scoped(info, "Child", child_id, "childId"), "childIds")


async def _set_owners(file: _File, partner_id: int | None, worker_id: int | None) -> None:
    await set_file_owners(**file.key(), partner_id=partner_id, worker_id=worker_id)


async def _live_assignment(info: strawberry.Info, file: _File) -> AssignmentRow | None:
    return await live_assignment(info.context.viewer, **file.key())


def _check_batch(input: AssignFilesInput) -> int:
    """The number of files the filters may add (0 without a filter); BAD_USER_INPUT for an empty or oversized call."""
    named = len(input.family_ids) + len(input.child_ids)
    filtered = input.family_filter is not None or input.child_filter is not None
    if filtered != (input.limit is not None):
        raise BadUserInput("Give a limit with a filter, and only with one.", "با فیلتر، و فقط با آن، سقف بدهید.",
                           field="limit")
    room = MAX_FILES - named
    if named > MAX_FILES or (input.limit is not None and not 1 <= input.limit <= room):
        raise BadUserInput(f"At most {MAX_FILES} files at once.", f"حداکثر {MAX_FILES} پرونده در هر بار.",
                           field="limit" if filtered else "familyIds")
    if not named and not filtered:
        raise BadUserInput("Name at least one file.", "دست‌کم یک پرونده را نام ببرید.", field="familyIds")
    return input.limit or 0


async def _filtered_files(info: strawberry.Info, type_name: str, filter: CaseFileFilter | None, partner_id: int,
                          named: list[Any], limit: int) -> list[Any]:
    """The files of the caller's slice a filter of assignFiles matches: in the support cycle, not with this partner
    already, not named in the input, in ID order, at most `limit`."""
    if filter is None or limit <= 0:
        return []
    viewer = info.context.viewer
    found = await filter.narrow(scoped_rows(viewer, type_name), viewer)
    found = found.filter(Q(assigned_partner_id__isnull=True) | Q(assigned_partner_id__not=partner_id),
                         status=FileStatus.ACTIVE)
    if named:
        found = found.exclude(id__in=id_set(row.id for row in named))
    return await _file_facts(found.order_by("id").limit(limit), type_name)


async def _agreement_in_force(info: strawberry.Info, partner: Organization, today: datetime.date) -> AgreementRow:
    """The partner's standing: a license valid today (Art. 1.1) and this Jalali year's agreement (Art. 6.1)."""
    check_license(partner.license_valid_from if partner.license_number else None, partner.license_valid_until, today)
    year = jalali_year(today)
    agreements = scoped_rows(info.context.viewer, "Agreement")
    agreement: AgreementRow | None = await agreements.filter(partner_id=partner.id, jalali_year=year).first()
    check_agreement(agreement.status if agreement else None, year)
    assert agreement is not None  # check_agreement refuses a missing one
    return agreement


def _delegable(families: list[Any], children: list[Any], today: datetime.date) -> list[_File]:
    """The files with their loads, once each is found delegable: active, families classified (Art. 4.1), children
    discharged a year ago or more (seed 003)."""
    files: list[_File] = []
    for family in families:
        _check_active(family, "familyIds")
        files.append(_File(family, "familyIds", FileLoad(file_load(family.rehabilitability))))
    for child in children:
        _check_active(child, "childIds")
        child_delegable(child.discharged_on, today)
        files.append(_File(child, "childIds", FileLoad.CHILD))
    return files


async def _moving_from_other_partners(info: strawberry.Info, partner_id: int,
                                      files: list[_File]) -> dict[int, AssignmentRow]:
    """The live assignments (by position in `files`) of files now served by another partner, which move to this
    one; CONFLICT for a file this partner already serves."""
    family_ids = [file.row.id for file in files if file.is_family]
    child_ids = [file.row.id for file in files if not file.is_family]
    live = await scoped_rows(info.context.viewer, "Assignment").filter(
        Q(family_id__in=id_set(family_ids)) | Q(child_id__in=id_set(child_ids)), ended_at__isnull=True)
    by_file = {(row.family_id, row.child_id): row for row in live}
    moving: dict[int, AssignmentRow] = {}
    for index, file in enumerate(files):
        current = by_file.get((file.row.id, None) if file.is_family else (None, file.row.id))
        if current is not None and current.partner_id == partner_id:
            raise Conflict("The file is already delegated to this partner.",
                           "پرونده هم‌اکنون به همین همکار واگذار شده است.", field=file.field)
        if current is not None:
            moving[index] = current
    return moving


async def _check_graded(info: strawberry.Info, partner: Organization, today: datetime.date) -> None:
    """A clinic receives files only once graded, or in its first year (Art. 6.4.4, note 4; rules.grading). Its first
    year runs from its license or its first agreement, whichever came first: every agreement counts, whoever may see
    it, as the quota counts every file."""
    if partner.kind is not OrganizationKind.CLINIC:
        return
    first_agreement = await connections.get("default").execute_query_dict(
        "select partner_first_agreement_on($1) as signed_on", [partner.id])  # every agreement (migration 0018)
    ever_graded = partner.first_graded_on is not None or await scoped_rows(
        info.context.viewer, "PartnerGrade").filter(partner_id=partner.id).exists()
    check_clinic_graded(partner.grade, licensed_from=partner.license_valid_from,
                        first_agreement_on=first_agreement[0]["signed_on"],
                        ever_graded=ever_graded, on=today)


async def _check_room(partner: Organization, agreement: AgreementRow, files: list[_File],
                      today: datetime.date) -> None:
    """QUOTA_EXCEEDED unless the files fit the agreement's quotas (Art. 4.2), the one cap on a clinic; then, for
    families, RULE_VIOLATION unless a charity's or complex's experts may carry them (Art. 3.1 and note 3, pro rata) —
    a clinic's norm is a minimum and refuses nothing (Art. 2.2). Every file the partner holds live counts, in any
    county."""
    adding = Counter(file.load for file in files)
    live = await live_load(partner.id)
    quotas = {FileLoad.REHABILITABLE: agreement.quota_rehabilitable,
              FileLoad.NON_REHABILITABLE: agreement.quota_non_rehabilitable,
              FileLoad.CHILD: agreement.quota_children}
    try:
        for load, quota in quotas.items():
            check_quota(quota, live[load], adding[load], kind=load.value)
    except QuotaBreach as breach:
        raise QuotaExceeded(breach.message_en, breach.message_fa, kind=breach.kind, quota=breach.quota,
                            live=breach.live, adding=breach.adding, rule=breach.rule) from None
    norms = await partner_norms(partner, agreement, today)
    check_family_caseload(partner.kind.value, norms.norm, norms.eligible_workers, family_files(live),
                          family_files(adding), note_3=norms.note_3)


# One statement for all the new assignments, whatever their number (issue #10, item 4). Their IDs come back for the
# events and the payload; the partial unique index on a file's live assignment still refuses a file delegated by
# someone else meanwhile, as the row-by-row insert did.
_INSERT_ASSIGNMENTS = (  # in a WITH, so that the client fetches the rows it returns (it only executes an INSERT)
    "with made as (insert into assignment (family_id, child_id, partner_id, load, assigned_on, assigned_at,"
    " assigned_by_id, end_note, province_id, county_id)"
    " select f.family_id, f.child_id, $1, f.load, $2, now(), $3, '', f.province_id, f.county_id"
    " from unnest($4::int[], $5::int[], $6::text[], $7::int[], $8::int[])"
    "  as f(family_id, child_id, load, province_id, county_id)"
    " returning id) select id from made"
)


async def _delegate(viewer: Viewer, partner_id: int, files: list[_File], moving: dict[int, AssignmentRow],
                    today: datetime.date) -> list[AssignmentRow]:
    """Write the assignments, their events and the files' owner columns; end the ones that move (REASSIGNED). A
    fixed number of statements for any number of files (issue #10, item 4): 10 000 files are one call."""
    ended = [old.id for old in moving.values()]
    try:
        async with in_transaction() as conn:  # a savepoint: a refused insert leaves the request's transaction usable
            if ended:
                await AssignmentRow.filter(id__in=ended).update(ended_at=timezone.now(),
                                                                end_reason=EndReason.REASSIGNED)
                await record_transitions(ended, Transition.REASSIGNED, viewer)
            _, rows = await conn.execute_query(_INSERT_ASSIGNMENTS, [
                partner_id, today, viewer.user_id,
                [file.row.id if file.is_family else None for file in files],
                [None if file.is_family else file.row.id for file in files],
                [str(file.load) for file in files],
                [file.row.province_id for file in files], [file.row.county_id for file in files]])
            made = [row["id"] for row in rows]
            await record_transitions(made, Transition.ASSIGNED, viewer)
            await set_files_owners(family_ids=[file.row.id for file in files if file.is_family],
                                   child_ids=[file.row.id for file in files if not file.is_family],
                                   partner_id=partner_id, worker_id=None)
    except IntegrityError:  # another officer delegated one of these files in the meantime
        raise Conflict("One of the files was delegated by someone else meanwhile; reload and try again.",
                       "یکی از پرونده‌ها هم‌زمان به همکار دیگری واگذار شد؛ دوباره بارگذاری کنید.",
                       field=files[0].field) from None
    by_file = {(row.family_id, row.child_id): row for row in await AssignmentRow.filter(id__in=id_set(made))}
    return [by_file[(file.row.id, None) if file.is_family else (None, file.row.id)] for file in files]


@strawberry.type
class DelegationMutations:
    @strawberry.mutation(description="Sign a partner's yearly agreement with its quotas (Art. 4.2–4.3, Art. 6.1); for "
                                     "a clinic it also sets the caseload method (Art. 2.2).")
    async def sign_agreement(self, info: strawberry.Info, input: SignAgreementInput) -> AgreementPayload:
        viewer = viewer_of(info)
        partner = await find_scoped(info, "Partner", input.partner_id, "partnerId")
        if not within_scope(viewer, AGREEMENT_ROWS, AgreementRow(partner=partner, province_id=partner.province_id,
                                                                 county_id=partner.county_id)):
            raise NotFound(field="partnerId")
        jalali_year_bounds(input.jalali_year)
        # Columns for `create`, typed as it takes them (`**kwargs: Any`): an unpacked dict of ints could otherwise
        # be taken for its own `using_db` keyword.
        quotas: dict[str, Any] = {name: check_quota_value(getattr(input, name), field) for name, field in (
            ("quota_rehabilitable", "quotaRehabilitable"), ("quota_non_rehabilitable", "quotaNonRehabilitable"),
            ("quota_children", "quotaChildren"))}
        method = check_caseload_method(partner.kind.value, input.caseload_method)
        no_clinic_applicant = check_no_clinic_applicant(partner.kind.value, input.no_clinic_applicant)
        if await AgreementRow.filter(partner_id=partner.id, jalali_year=input.jalali_year).exists():
            raise _duplicate_agreement(input.jalali_year)
        try:
            async with in_transaction():  # a savepoint: a refused insert leaves the request's transaction usable
                agreement = await AgreementRow.create(
                    partner_id=partner.id, jalali_year=input.jalali_year, signed_on=input.signed_on,
                    province_id=partner.province_id, county_id=partner.county_id, signed_by_id=viewer.user_id,
                    no_clinic_applicant=no_clinic_applicant, **quotas)
        except IntegrityError:  # signed by someone else between the check and the insert
            raise _duplicate_agreement(input.jalali_year) from None
        await Organization.filter(id=partner.id).update(caseload_method=method)
        return AgreementPayload(agreement=served_as(Agreement, agreement))

    @strawberry.mutation(description="Delegate families and children's files to a partner, all or none (Art. 4): the "
                                     "partner needs a valid license, an agreement for this year and room in its quotas "
                                     "(QUOTA_EXCEEDED); a clinic must be graded or in its first year (Art. 6.4.4, "
                                     "note 4), a charity's or complex's experts must have room (Art. 3.1, note 3, "
                                     "RULE_VIOLATION); families must be classified, children discharged at least a "
                                     "year ago (seed 003); a partner the office stopped working with gets none (Art. "
                                     "4.12, RULE_VIOLATION).")
    async def assign_files(self, info: strawberry.Info, input: AssignFilesInput) -> AssignFilesPayload:
        viewer = viewer_of(info)
        today = datetime.date.today()
        limit = _check_batch(input)
        partner = await find_scoped(info, "Partner", input.partner_id, "partnerId")
        families = await _visible_files(info, "Family", input.family_ids, "familyIds")
        children = await _visible_files(info, "Child", input.child_ids, "childIds")
        chosen = await _filtered_files(info, "Family", input.family_filter, partner.id, families, limit)
        families += chosen
        children += await _filtered_files(info, "Child", input.child_filter, partner.id, children, limit - len(chosen))
        if not families and not children:  # the filters matched nothing: nothing to delegate, nothing refused
            return AssignFilesPayload(assignments=[])
        # A stop (Art. 4.12) also ends the agreement; named first, the refusal says why.
        check_partner_not_stopped(await partner_stopped(viewer, partner.id))
        agreement = await _agreement_in_force(info, partner, today)
        await _check_graded(info, partner, today)
        files = _delegable(families, children, today)
        # Two officers delegating to one partner at once must not both fit under its quota: the partner's row stays
        # locked until this request commits, and its live load is counted only once the lock is held.
        locked = await Organization.select_for_update().get(id=partner.id)
        moving = await _moving_from_other_partners(info, partner.id, files)
        await _check_room(locked, agreement, files, today)
        made = await _delegate(viewer, partner.id, files, moving, today)
        return AssignFilesPayload(assignments=served_as(Assignment, made))

    @strawberry.mutation(description="Name the worker who serves a file delegated to your organisation (Art. 4.6): an "
                                     "active social worker of your own organisation who carries a caseload.")
    async def assign_worker(self, info: strawberry.Info, input: AssignWorkerInput) -> AssignmentPayload:
        viewer = viewer_of(info)
        file = await _one_file(info, input.family_id, input.child_id)
        assignment = await _live_assignment(info, file)  # the manager's scope: its own organisation's only
        if assignment is None:
            raise NotFound(field=file.input_field)
        # docs/access.md rule 4: a worker of another organisation looks exactly like no worker at all (the scope builder
        # shows a manager its own staff only).
        worker = await find_scoped(info, "StaffMember", input.worker_id, "workerId")
        if not worker.is_active:
            raise NotFound(field="workerId")
        if not counts_for_caseload(StaffFacts.of(worker), viewer.organization_kind.value):
            raise BadUserInput("This staff member carries no caseload (Art. 2.2, note 1): name a social worker.",
                               "این نیرو پرونده نمی‌گیرد (بند ۲-۲ و تبصره ۱)؛ یک مددکار اجتماعی را تعیین کنید.",
                               field="workerId")
        assignment.worker_id = worker.id
        await assignment.save(update_fields=["worker_id"])
        await record_transition(assignment, Transition.WORKER_ASSIGNED, viewer, worker_id=worker.id)
        await _set_owners(file, assignment.partner_id, worker.id)
        return AssignmentPayload(assignment=served_as(Assignment, assignment))

    @strawberry.mutation(description="Take a delegated file back to the county office (Art. 4.14); the partner's and "
                                     "its worker's access ends at once.")
    async def return_file(self, info: strawberry.Info, input: ReturnFileInput) -> AssignmentPayload:
        reason = clean_text(input.reason, "reason", NOTE_LENGTH, required=True)
        file = await _one_file(info, input.family_id, input.child_id)
        if await _live_assignment(info, file) is None:
            raise BadUserInput("The file is not delegated to any partner.", "این پرونده به همکاری واگذار نشده است.",
                               field=file.input_field)
        assignment = await end_delegation(info, **file.key(), reason=EndReason.RETURNED, note=reason,
                                          transition=Transition.RETURNED)
        return AssignmentPayload(assignment=served_as(Assignment, assignment))


def _duplicate_agreement(year: int) -> Conflict:
    return Conflict(f"The partner already has an agreement for {year}.",
                    f"همکار برای سال {year} تفاهم‌نامه دارد.", field="jalaliYear")
