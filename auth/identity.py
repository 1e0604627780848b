"""From a verified token to the viewer: the user is read from the database per request (cached a few seconds
at most), so deactivating, demoting or moving a user takes effect at once (issue #2, auth)."""

from __future__ import annotations

import time
from collections.abc import Callable

from auth.roles import Viewer
from models.users import User


class ViewerCache:
    """username → Viewer for at most `ttl` seconds; `forget` drops an entry when the user changes here."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._entries: dict[str, tuple[float, Viewer | None]] = {}

    def get(self, username: str) -> tuple[bool, Viewer | None]:
        entry = self._entries.get(username)
        if entry is None or self.clock() - entry[0] >= self.ttl:
            return False, None
        return True, entry[1]

    def put(self, username: str, viewer: Viewer | None) -> None:
        if self.ttl > 0:
            self._entries[username] = (self.clock(), viewer)

    def forget(self, username: str) -> None:
        self._entries.pop(username, None)


async def load_viewer(username: str, *, demo_mode: bool) -> Viewer | None:
    """The active user named `username` as a Viewer; None if unknown, inactive, or a demo account outside
    demo mode."""
    user = await User.get_or_none(username=username).select_related("organization")
    if user is None or not user.is_active or (user.is_demo and not demo_mode):
        return None
    org = user.organization
    return Viewer(
        user_id=user.id,
        username=user.username,
        role=user.role,
        organization_id=org.id,
        organization_kind=org.kind,
        province_id=org.province_id,
        county_id=org.county_id,
        staff_member_id=user.staff_member_id,
        tokens_valid_since=int(user.password_changed_at.timestamp()) if user.password_changed_at else 0,
    )


async def viewer_for(username: str, cache: ViewerCache, *, demo_mode: bool) -> Viewer | None:
    hit, viewer = cache.get(username)
    if not hit:
        viewer = await load_viewer(username, demo_mode=demo_mode)
        cache.put(username, viewer)
    return viewer
