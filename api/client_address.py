"""Who the client is: the peer, or what the proxies named in `TRUSTED_PROXIES` say it is (issue #8, item 9).

`X-Forwarded-For` is written by whoever sends the request, so it is believed only as far as trusted proxies
wrote it: walking the hops from the right (the one nearest to us), each trusted proxy vouches for the hop to its
left, and the first hop that is not a trusted proxy is the client. A peer that is not a trusted proxy is the
client itself, whatever its headers say; with no trusted proxies (the default) the header is never read. The
audit trail and the login throttle both read the address decided here (`request.client`), and the server runs
uvicorn without its own proxy-header handling (api/cli.py), so this is the only place that decides.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(setting: str) -> tuple[Network, ...]:
    """`10.0.0.5, 10.1.0.0/16, ::1` → networks; ValueError names an entry that is neither address nor CIDR."""
    networks = []
    for entry in (part.strip() for part in setting.split(",")):
        if entry:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                raise ValueError(f"not an address or CIDR: {entry!r}") from None
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None, trusted: Sequence[Network]) -> bool:
    return address is not None and any(address in network for network in trusted)


def client_address(peer: str, forwarded_for: Iterable[str], trusted: Sequence[Network]) -> str:
    """The client's address: `peer` unless it is a trusted proxy, else the rightmost `X-Forwarded-For` hop that is
    not one. `forwarded_for` holds the header's values in the order received (several headers are one list). A hop
    that is no address (`unknown`, garbage) ends the walk at the trusted proxy that wrote it."""
    if not _trusted(_address(peer), trusted):
        return peer
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",")]
    client = peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return client
        client = str(address)
        if not _trusted(address, trusted):
            return client
    return client  # every hop a trusted proxy: the leftmost is as far as anyone vouches


class ClientAddressMiddleware:
    """Puts the decided client address in the ASGI scope's `client`, where `request.client` reads it."""

    def __init__(self, app: ASGIApp, trusted: Sequence[Network]) -> None:
        self.app = app
        self.trusted = tuple(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.trusted and scope.get("client"):
            peer_host, peer_port = scope["client"]
            forwarded = [value.decode("latin-1") for name, value in scope["headers"] if name == b"x-forwarded-for"]
            host = client_address(peer_host, forwarded, self.trusted)
            if host != peer_host:
                scope["client"] = (host, 0)  # the client's own port is not known
        await self.app(scope, receive, send)
