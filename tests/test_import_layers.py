"""The import contracts see every module: each of ours is either in the web layer (which
may import anything) or named among the modules that must not import the web layer."""

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["core", "accounts", "clients", "families", "coaching", "bookings", "messaging"]


def contract_lists():
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    web_on_top = config["importlinter:contract:web-on-top"]
    split = lambda text: {line.strip() for line in text.splitlines() if line.strip()}  # noqa: E731
    return split(web_on_top["source_modules"]), split(web_on_top["forbidden_modules"])


def our_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            if len(parts) > 1 and parts[1] in ("migrations", "templatetags", "management"):
                continue
            if len(parts) == 1 or parts[-1] == "apps":
                continue
            yield ".".join(parts)


def test_every_module_of_ours_is_either_web_or_checked_by_the_contract():
    sources, web = contract_lists()
    in_web = lambda module: any(module == w or module.startswith(w + ".") for w in web)  # noqa: E731
    assert sorted(m for m in our_modules() if not in_web(m) and m not in sources) == []
    assert sorted(m for m in sources if m not in set(our_modules())) == []
