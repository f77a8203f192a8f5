"""One connection pool per origin (scraper/pools.py), against real servers on loopback."""

from __future__ import annotations

import asyncio

import httpx
from servers import serve_faults

from scraper.pools import OriginPools


def test_each_origin_has_a_pool_of_its_own_with_at_most_its_connections() -> None:
    async def main(urls: list[str]) -> tuple[list[int], int]:
        pools = OriginPools(per_origin=2)
        async with httpx.AsyncClient(transport=pools) as client:
            answers = await asyncio.gather(*(client.get(f"{url}/ok")
                                             for url in urls for _ in range(6)))
            return [a.status_code for a in answers], pools.origins

    with serve_faults("127.0.0.1") as one, serve_faults("127.0.0.2") as two:
        statuses, origins = asyncio.run(main([one.url, two.url]))
    assert statuses == [200] * 12
    assert origins == 2
    for server in (one, two):
        assert len(server.requests) == 6
        assert server.connections <= 2 and server.max_in_flight <= 2  # six over two: kept alive


def test_an_unused_pool_is_closed_and_one_with_a_response_open_is_kept() -> None:
    async def main(first: str, streaming: str, third: str) -> list[int]:
        pools = OriginPools(per_origin=2, keepalive_expiry=0)  # every pool idle at once
        origins = []
        async with httpx.AsyncClient(transport=pools) as client:
            await client.get(f"{first}/ok")
            async with client.stream("GET", f"{streaming}/big") as big:
                chunks = big.aiter_raw()
                await anext(chunks)
                origins.append(pools.origins)  # the first one's closed as this one started
                await client.get(f"{third}/ok")
                origins.append(pools.origins)  # the open one kept beside the third's
                assert await anext(chunks)  # and its response still reads
            await client.get(f"{third}/ok")
            origins.append(pools.origins)  # the one closed after its response
        assert pools.origins == 0  # the client closed them all
        return origins

    with serve_faults("127.0.0.1") as one, serve_faults("127.0.0.2") as two, \
            serve_faults("127.0.0.3") as three:
        assert asyncio.run(main(one.url, two.url, three.url)) == [1, 2, 1]
        assert [len(s.requests) for s in (one, two, three)] == [1, 1, 2]
