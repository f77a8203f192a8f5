"""What a crawl says: a redrawn status line on a terminal, plain lines for cron."""

import io

from scraper.progress import Reporter


def test_without_a_terminal_each_site_gets_plain_start_and_finish_lines():
    out = io.StringIO()
    r = Reporter(out, tty=False, log_every=2)
    r.site_started("ml", 3)
    r.page("ml", "u1", "new")
    r.page("ml", "u2", "failed", "timeout")
    r.page("ml", "u3", "not_modified")
    r.site_finished("ml")
    lines = out.getvalue().splitlines()
    assert "ml: started, 3 URLs queued" in lines[0]
    assert "2 URLs" in lines[1] and "1 failed" in lines[1]  # the periodic line
    assert lines[-1].endswith("ml: 1 new, 1 not modified, 1 failed")
    assert "\r" not in out.getvalue()


def test_on_a_terminal_one_status_line_names_the_active_sites():
    out = io.StringIO()
    r = Reporter(out, tty=True)
    r.site_started("ml", 1)
    r.site_started("eg", 1)
    r.page("ml", "u1", "new")
    assert "\r" in out.getvalue()
    assert "1 URLs" in r.status() and "ml 1" in r.status() and "eg 0" in r.status()
    r.site_finished("ml", "could not be crawled: timeout")
    assert "ml: 1 new — could not be crawled: timeout\n" in out.getvalue()
    assert "ml" not in r.status().split("·", 1)[1]
    before = out.getvalue()
    r.close()  # nothing drawn since the last line: nothing to clear
    assert out.getvalue() == before
