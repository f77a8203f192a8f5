"""The bundled multilingual sample embassy site ("La France au Mali"), modelled on the French
embassy network's SPIP sites; used by the demo, the tests and the benchmarks.

    site = SampleSite(pages=0, edition=1)
    status, headers, body = site.respond("GET", "/", {})
    with serve_sample_site(port=0) as server:
        server.url, server.requests
"""

from scraper.sample_site.server import (
                                        RunningSite,
                                        serve_sample_site,
                                        start_sample_site,
                                        stop_sample_site,
)
from scraper.sample_site.site import SampleSite

__all__ = ["RunningSite", "SampleSite", "serve_sample_site", "start_sample_site",
           "stop_sample_site"]
