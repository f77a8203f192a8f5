"""sites.yml: the list of sites a crawl covers.

    sites:
      - name: ml
        country: Mali
        hosts: [ml.ambafrance.org, www.ambafrance-ml.org]
        languages: [fr]
        start_urls: [https://ml.ambafrance.org/]

A mistake in the file raises `ConfigError` with the file name and the line to look at: a
wrong type (a URL where a host is expected, a mapping as a country), a key given twice, an
unknown key. YAML aliases (`*name`) are refused as they are read, before anything is expanded:
a few hundred bytes of nested aliases would otherwise expand to gigabytes.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import yaml

from archive.errors import ConfigError

from .models import Site
from .urls import in_scope

FIELDS = {"name", "country", "hosts", "languages", "start_urls"}


class _AliasRefused(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__("alias")
        self.mark = mark


class _NoAliasLoader(yaml.SafeLoader):
    """A loader that stops at the first alias, before the composer resolves it."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            raise _AliasRefused(self.peek_event().start_mark)
        return super().compose_node(parent, index)  # type: ignore[no-any-return]


def _where(path: Path, node: yaml.Node) -> str:
    return f"{path}, line {node.start_mark.line + 1}"


def _mapping(path: Path, node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """A mapping's entries by key, each key a text given once."""
    out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise ConfigError(f"{_where(path, key_node)}: a key must be a plain word")
        if key_node.value in out:
            first = out[key_node.value][0].start_mark.line + 1
            raise ConfigError(f"{_where(path, key_node)}: key '{key_node.value}' given twice "
                              f"(first on line {first})")
        out[key_node.value] = (key_node, value_node)
    return out


def _text(path: Path, node: yaml.Node, key: str) -> str | None:
    """A scalar's text as written (None when empty); anything else is a mistake."""
    if not isinstance(node, yaml.ScalarNode):
        kind = "a mapping" if isinstance(node, yaml.MappingNode) else "a list"
        raise ConfigError(f"{_where(path, node)}: '{key}' must be a text, not {kind}")
    if node.tag == "tag:yaml.org,2002:null" or not node.value.strip():
        return None
    return str(node.value).strip()


def _host(path: Path, node: yaml.Node, host: str) -> str:
    """A host name, with a port when given; a URL or a path here is a mistake."""
    bad = "://" in host or "/" in host or any(c.isspace() for c in host)
    try:
        parts = urlsplit("http://" + host)
        bad = bad or not parts.hostname or parts.port == 0 or bool(parts.username)
    except ValueError:
        bad = True
    if bad:
        raise ConfigError(f"{_where(path, node)}: '{host}' is not a host name; 'hosts' takes "
                          "names such as ml.ambafrance.org (with :PORT if needed), not URLs")
    return host.lower()


def _strings(path: Path, node: yaml.Node, key: str) -> list[tuple[str, yaml.Node]]:
    """A text or a list of texts, each with the node it came from (for its line)."""
    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    out: list[tuple[str, yaml.Node]] = []
    for item in items:
        if not (isinstance(item, yaml.ScalarNode) and item.value.strip()):
            raise ConfigError(f"{_where(path, item)}: '{key}' must be a text or a list of texts")
        out.append((item.value.strip(), item))
    return out


def _site(path: Path, node: yaml.Node) -> Site:
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(f"{_where(path, node)}: each site must be a mapping (name:, hosts: …)")
    entries = _mapping(path, node)
    for key, (key_node, _) in entries.items():
        if key not in FIELDS:
            raise ConfigError(
                f"{_where(path, key_node)}: unknown key '{key}' "
                f"(expected one of {', '.join(sorted(FIELDS))})"
            )
    fields = {key: value for key, (_, value) in entries.items()}
    if "name" not in fields:
        raise ConfigError(f"{_where(path, node)}: a site needs a 'name'")
    name = _text(path, fields["name"], "name")
    if name is None:
        raise ConfigError(f"{_where(path, fields['name'])}: 'name' must be a non-empty text")
    starts = _strings(path, fields["start_urls"], "start_urls") if "start_urls" in fields else []
    for url, url_node in starts:
        try:
            parts = urlsplit(url)
            valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
        except ValueError:
            valid = False
        if not valid:
            raise ConfigError(f"{_where(path, url_node)}: '{url}' is not an http(s) URL")
    hosts = [_host(path, n, h) for h, n in _strings(path, fields["hosts"], "hosts")] \
        if "hosts" in fields else []
    if not hosts and starts:
        hosts = [urlsplit(starts[0][0]).netloc.lower()]
    if not hosts:
        raise ConfigError(f"{_where(path, node)}: site '{name}' needs 'hosts' or 'start_urls'")
    for url, url_node in starts:
        if not in_scope(url, hosts):
            # Its answers would be out of the site's scope, so never stored.
            raise ConfigError(f"{_where(path, url_node)}: start URL '{url}' is on none of the "
                              f"site's hosts ({', '.join(hosts)})")
    languages = _strings(path, fields["languages"], "languages") if "languages" in fields else []
    country = _text(path, fields["country"], "country") if "country" in fields else None
    return Site(
        name=name,
        hosts=tuple(hosts),
        start_urls=tuple(u for u, _ in starts) or (f"https://{hosts[0]}/",),
        country=country,
        languages=tuple(lang for lang, _ in languages),
    )


def load_sites(path: str | Path) -> list[Site]:
    """Read and check a sites file; raise ConfigError naming the line of the first mistake."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from None
    try:
        root = yaml.compose(text, Loader=_NoAliasLoader)
    except _AliasRefused as exc:
        raise ConfigError(f"{path}, line {exc.mark.line + 1}: YAML aliases (*name) are not "
                          "accepted in a sites file; write each value out") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}{line}: not valid YAML ({problem})") from None
    if root is None:
        raise ConfigError(f"{path}: the file is empty; it needs a 'sites:' list")
    if isinstance(root, yaml.MappingNode):
        entries = _mapping(path, root)
        for key, (key_node, _) in entries.items():
            if key != "sites":
                raise ConfigError(f"{_where(path, key_node)}: unknown key '{key}': expected "
                                  "a top-level 'sites:' list and nothing else")
        if "sites" not in entries:
            raise ConfigError(f"{_where(path, root)}: expected a top-level 'sites:' list")
        root = entries["sites"][1]
    if not isinstance(root, yaml.SequenceNode) or not root.value:
        raise ConfigError(f"{_where(path, root)}: 'sites' must be a non-empty list")
    sites = [_site(path, n) for n in root.value]
    seen: dict[str, Site] = {}
    for site, node in zip(sites, root.value):
        if site.name in seen:
            raise ConfigError(f"{_where(path, node)}: site name '{site.name}' appears twice")
        seen[site.name] = site
    return sites


def select_sites(sites: list[Site], names: tuple[str, ...] | list[str]) -> list[Site]:
    """The sites named (all when none are); an unknown name is a ConfigError."""
    if not names:
        return sites
    by_name = {s.name: s for s in sites}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise ConfigError(
            f"no site named {', '.join(map(repr, unknown))} in the sites file "
            f"(known: {', '.join(sorted(by_name)[:10])}{' …' if len(by_name) > 10 else ''})"
        )
    return [by_name[n] for n in names]
