"""Take the screenshots docs/report.md shows (run by hand, output committed).

    python tools/report_screenshot.py [--chromium /usr/bin/chromium]

Builds the page from the bundled snapshot (offline, in a throwaway cache) with the CLI, opens it in
the system's chromium through Playwright (never `playwright install`) and writes
docs/img/report-laptop-light.png, docs/img/report-phone-dark.png (the top of the page) and
docs/img/report-families-phone.png (the families section on a 320 px phone).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = (("report-laptop-light.png", {"width": 1280, "height": 860}, "light", None),
         ("report-phone-dark.png", {"width": 390, "height": 844}, "dark", None),
         ("report-families-phone.png", {"width": 320, "height": 640}, "light", "#families"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    chromium = parser.parse_args().chromium
    from playwright.sync_api import sync_playwright

    out_dir = ROOT / "docs" / "img"
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "radar.html"
        subprocess.run([sys.executable, "-m", "hubradar", "report", "--offline", "--quiet", "--cache-dir", tmp,
                        "--task", "text-generation", "--limit", "12", "--out", str(page_path)], check=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
            for name, viewport, scheme, section in SHOTS:
                context = browser.new_context(viewport=viewport, color_scheme=scheme, device_scale_factor=1)
                page = context.new_page()
                page.goto(page_path.as_uri())
                (page.locator(section) if section else page).screenshot(path=str(out_dir / name))
                context.close()
                print(f"wrote {out_dir / name}")
            browser.close()


if __name__ == "__main__":
    main()
