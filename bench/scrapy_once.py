"""Scrapy crawling the same sample site, politeness off: the reference for bench_crawl.py.

It follows every in-site link and parses each page's title, as a minimal Scrapy project would;
it stores nothing. Prints a JSON line like crawl_once.py.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor


class SampleSpider(scrapy.Spider):
    name = "sample"

    def __init__(self, start: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.start_urls = [start]
        self.allowed_domains = [urlsplit(start).hostname or ""]
        self.links = LinkExtractor(deny=[r"/agenda"])  # the offsite middleware keeps it in the site
        self.pages = 0

    def parse(self, response):  # type: ignore[no-untyped-def]
        if not hasattr(response, "css"):
            return  # a PDF or another document
        self.pages += 1
        yield {"url": response.url, "title": response.css("h1::text").get()}
        for link in self.links.extract_links(response):
            yield response.follow(link.url, callback=self.parse)


def main() -> None:
    url, connections = sys.argv[1], int(sys.argv[2])
    process = CrawlerProcess(settings={
        "LOG_LEVEL": sys.argv[3] if len(sys.argv) > 3 else "ERROR",
        "ROBOTSTXT_OBEY": True,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": connections,
        "CONCURRENT_REQUESTS_PER_DOMAIN": connections,
        "TELNETCONSOLE_ENABLED": False,
        "EXTENSIONS": {"scrapy.extensions.remote_control.RemoteControl": None},
        "DEPTH_LIMIT": 0,
        "DEPTH_PRIORITY": 1,  # breadth first, as ours
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
    })
    crawler = process.create_crawler(SampleSpider)
    started = time.perf_counter()
    process.crawl(crawler, start=url)
    process.start()
    seconds = time.perf_counter() - started
    print(json.dumps({
        "pages": crawler.spider.pages if crawler.spider else 0, "seconds": seconds,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
