"""Write `planner/outputs/static/vega.js`: Vega, Vega-Lite and Vega-Embed in one script, made by the Vega project's own
bundler (`vl-convert-python`), so the HTML reports draw their charts in the browser with no file to fetch.

    .venv/bin/pip install vl-convert-python && .venv/bin/python scripts/vendor_vega.py

The bundle is committed: `planner run` reads it from the package (no bundling, no network, no V8 at run time).
Run this again to move to newer Vega releases; the versions go into the file's first line and
`planner/outputs/static/README.md` lists the licences.
"""

from __future__ import annotations

from pathlib import Path

import vl_convert as vlc

OUT = Path(__file__).resolve().parent.parent / "planner" / "static" / "vega.js"


def main() -> None:
    vl = vlc.get_vegalite_versions()[-1]
    head = (f"/* Vega {vlc.get_vega_version()}, Vega-Lite {vl}, Vega-Embed {vlc.get_vega_embed_version()}: "
            f"bundled by vl-convert-python (scripts/vendor_vega.py). BSD-3-Clause, (c) the Vega project "
            f"(University of Washington Interactive Data Lab); bundled dependencies and their licences: "
            f"planner/outputs/static/README.md */\n")
    body = vlc.javascript_bundle(vl_version=f"v{vl}")
    if "</script" in body.lower():
        raise SystemExit("the bundle contains '</script': it cannot be inlined in an HTML page")
    OUT.write_text(head + body, encoding="utf-8")
    print(f"{OUT}: {OUT.stat().st_size:,} bytes ({head.strip()})")


if __name__ == "__main__":
    main()
