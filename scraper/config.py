"""sites.yml: the list of sites a crawl covers.

    sites:
      - name: ml
        country: Mali
        hosts: [ml.ambafrance.org, www.ambafrance-ml.org]
        languages: [fr]
        start_urls: [https://ml.ambafrance.org/]

A mistake in the file raises `ConfigError` with the file name and the line to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from archive.errors import ConfigError

from .models import Site

FIELDS = {"name", "country", "hosts", "languages", "start_urls"}


def _where(path: Path, node: yaml.Node) -> str:
    return f"{path}, line {node.start_mark.line + 1}"


def _plain(node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_plain(n) for n in node.value]
    return {k.value: _plain(v) for k, v in node.value}


def _strings(path: Path, node: yaml.Node, key: str) -> list[str]:
    if isinstance(node, yaml.ScalarNode) and node.value:
        return [node.value]
    if isinstance(node, yaml.SequenceNode) and all(
        isinstance(n, yaml.ScalarNode) and n.value for n in node.value
    ):
        return [n.value for n in node.value]
    raise ConfigError(f"{_where(path, node)}: '{key}' must be a text or a list of texts")


def _site(path: Path, node: yaml.Node) -> Site:
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(f"{_where(path, node)}: each site must be a mapping (name:, hosts: …)")
    fields: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = key_node.value
        if key not in FIELDS:
            raise ConfigError(
                f"{_where(path, key_node)}: unknown key '{key}' "
                f"(expected one of {', '.join(sorted(FIELDS))})"
            )
        fields[key] = value_node
    if "name" not in fields:
        raise ConfigError(f"{_where(path, node)}: a site needs a 'name'")
    name = _plain(fields["name"])
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{_where(path, fields['name'])}: 'name' must be a non-empty text")
    starts = _strings(path, fields["start_urls"], "start_urls") if "start_urls" in fields else []
    for url, url_node in zip(starts, getattr(fields.get("start_urls"), "value", [])):
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            where = _where(path, url_node if isinstance(url_node, yaml.Node) else fields["start_urls"])
            raise ConfigError(f"{where}: '{url}' is not an http(s) URL")
    hosts = _strings(path, fields["hosts"], "hosts") if "hosts" in fields else []
    hosts = [h.lower() for h in hosts]
    if not hosts and starts:
        hosts = [urlsplit(starts[0]).netloc.lower()]
    if not hosts:
        raise ConfigError(f"{_where(path, node)}: site '{name}' needs 'hosts' or 'start_urls'")
    if not starts:
        starts = [f"https://{hosts[0]}/"]
    languages = _strings(path, fields["languages"], "languages") if "languages" in fields else []
    country = _plain(fields["country"]) if "country" in fields else None
    return Site(
        name=name.strip(),
        hosts=tuple(hosts),
        start_urls=tuple(starts),
        country=str(country) if country is not None else None,
        languages=tuple(languages),
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
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}{line}: not valid YAML ({problem})") from None
    if root is None:
        raise ConfigError(f"{path}: the file is empty; it needs a 'sites:' list")
    if isinstance(root, yaml.MappingNode):
        entries = {k.value: v for k, v in root.value}
        if "sites" not in entries:
            raise ConfigError(f"{_where(path, root)}: expected a top-level 'sites:' list")
        root = entries["sites"]
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
