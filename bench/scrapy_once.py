"""Scrapy crawling the same sample site, politeness off: the reference for bench_crawl.py.

    scrapy_once.py URL CONNECTIONS [--trafilatura] [--max-pages N]

It follows every in-site link and parses each page's title, as a minimal Scrapy project would;
with `--trafilatura`, each page is also extracted by trafilatura (text, title, date: what a
Scrapy project archiving pages would add). It stores nothing. `--max-pages` closes the spider
after N pages (Scrapy's CLOSESPIDER_PAGECOUNT). Prints a JSON line like crawl_once.py.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from urllib.parse import urlsplit

import scrapy
import trafilatura
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor


class SampleSpider(scrapy.Spider):
    name = "sample"

    def __init__(self, start: str, extract: bool = False, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.extract = extract
        self.start_urls = [start]
        self.allowed_domains = [urlsplit(start).hostname or ""]
        self.links = LinkExtractor(deny=[r"/agenda"])  # the offsite middleware keeps it in the site
        self.pages = 0

    def parse(self, response):  # type: ignore[no-untyped-def]
        if not hasattr(response, "css"):
            return  # a PDF or another document
        self.pages += 1
        if self.extract:
            doc = trafilatura.bare_extraction(response.body, url=response.url, with_metadata=True)
            yield {"url": response.url, "title": doc.title if doc else None,
                   "date": doc.date if doc else None, "text": doc.text if doc else None}
        else:
            yield {"url": response.url, "title": response.css("h1::text").get()}
        for link in self.links.extract_links(response):
            yield response.follow(link.url, callback=self.parse)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("connections", type=int)
    parser.add_argument("--trafilatura", action="store_true")
    parser.add_argument("--max-pages", type=int, default=0)
    parser.add_argument("--log-level", default="ERROR")
    args = parser.parse_args()
    process = CrawlerProcess(settings={
        "LOG_LEVEL": args.log_level,
        "CLOSESPIDER_PAGECOUNT": args.max_pages,
        "ROBOTSTXT_OBEY": True,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": args.connections,
        "CONCURRENT_REQUESTS_PER_DOMAIN": args.connections,
        "TELNETCONSOLE_ENABLED": False,
        "EXTENSIONS": {"scrapy.extensions.remote_control.RemoteControl": None},
        "DEPTH_LIMIT": 0,
        "DEPTH_PRIORITY": 1,  # breadth first, as ours
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
    })
    crawler = process.create_crawler(SampleSpider)
    started = time.perf_counter()
    process.crawl(crawler, start=args.url, extract=args.trafilatura)
    process.start()
    seconds = time.perf_counter() - started
    print(json.dumps({
        "pages": crawler.spider.pages if crawler.spider else 0, "seconds": seconds,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
