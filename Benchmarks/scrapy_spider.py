#!/usr/bin/env python3
"""The Scrapy side of the benchmark: a minimal spider that follows every <a href> within 127.0.0.1.

Run with the benchmark venv's Python:  python scrapy_spider.py SEED_URL [--max-pages N] [--max-seconds S]
Settings mirror the other crawlers: 32 requests in flight, no per-domain limit below that (Scrapy's
download slot is the host name without the port, so all 8 ports share one slot), robots.txt obeyed,
no delay, no autothrottle, no HTTP cache. Link extraction uses response.css + response.follow, Scrapy's
cheapest documented way (LinkExtractor is slower), so Scrapy is shown at its best.
"""
import argparse

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import TextResponse


class BenchSpider(scrapy.Spider):
    name = "bench"
    allowed_domains = ["127.0.0.1"]

    def __init__(self, seed, **kw):
        super().__init__(**kw)
        self.start_urls = [seed]

    def parse(self, response):
        if not isinstance(response, TextResponse):  # .pdf / .png: fetched, nothing to follow
            return
        for href in response.css("a::attr(href)").getall():
            yield response.follow(href, callback=self.parse)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("seed")
    ap.add_argument("--max-pages", type=int, default=0, help="stop after N responses (0: no cap)")
    ap.add_argument("--max-seconds", type=float, default=0, help="stop after S seconds (0: no cap)")
    a = ap.parse_args()
    settings = {
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
        "CONCURRENT_REQUESTS_PER_IP": 0,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "ROBOTSTXT_OBEY": True,
        "HTTPCACHE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False,
        "DEPTH_LIMIT": 0,
        "CLOSESPIDER_PAGECOUNT": a.max_pages,
        "CLOSESPIDER_TIMEOUT": a.max_seconds,
    }
    process = CrawlerProcess(settings)
    process.crawl(BenchSpider, seed=a.seed)
    process.start()


if __name__ == "__main__":
    main()
