"""The client's address behind a reverse proxy: forwarded headers believed only from trusted proxies."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from vlboard.intake.users import AuthConfigError


def networks(values) -> tuple:
    nets = []
    for v in values:
        try:
            nets.append(ipaddress.ip_network(str(v).strip(), strict=False))
        except ValueError as exc:
            raise AuthConfigError(f"[vlboard]: «trusted_proxies» có địa chỉ không hợp lệ «{v}».") from exc
    return tuple(nets)


def ip_of(text: str | None):
    """An address, with an IPv4 client seen through a dual-stack socket (``::ffff:1.2.3.4``) as
    the IPv4 address it is, so that it meets the same lock and the same trusted proxies."""
    try:
        ip = ipaddress.ip_address((text or "").strip().strip("[]"))
    except ValueError:
        return None
    return getattr(ip, "ipv4_mapped", None) or ip


def client_address(peer: str | None, headers: Mapping[str, str] | None, trusted_proxies=()) -> str:
    """The client's address as the proxy reports it.

    ``peer`` is the address of the connection itself. X-Forwarded-For / X-Real-IP are read only
    when ``peer`` is a trusted proxy (``[vlboard] trusted_proxies``): then the right-most
    X-Forwarded-For entry that is not itself a trusted proxy is the client, else X-Real-IP. Anyone
    else could write those headers, so they are ignored and the connection's address is used.
    """
    nets = (
        trusted_proxies
        if all(isinstance(n, (ipaddress.IPv4Network, ipaddress.IPv6Network)) for n in trusted_proxies)
        else networks(trusted_proxies)
    )
    peer_ip = ip_of(peer)
    if peer_ip is None:
        return (peer or "?").strip() or "?"

    def trusted(ip) -> bool:
        return any(ip.version == n.version and ip in n for n in nets)

    if not trusted(peer_ip):
        return str(peer_ip)
    h = {k.lower(): v for k, v in (headers or {}).items()}
    hops = [x.strip() for x in h.get("x-forwarded-for", "").split(",") if x.strip()]
    for hop in reversed(hops):
        ip = ip_of(hop)
        if ip is None:
            break  # a malformed entry: nothing to its left can be trusted
        if not trusted(ip):
            return str(ip)
    real = ip_of(h.get("x-real-ip"))
    if real is not None:
        return str(real)
    return str(peer_ip)
