"""The DigitalOcean datacenters that offer Spaces (Standard Storage), as DigitalOcean documents them.

Source: DigitalOcean's "Spaces Availability" page,
https://docs.digitalocean.com/products/spaces/details/availability/ (generated 23 Mar 2026): the
"Spaces Standard Storage" row is ticked for NYC3, AMS3, SFO2, SFO3, SGP1, LON1, FRA1, TOR1,
BLR1, SYD1 and ATL1, and not for NYC1, NYC2 or RIC1 (Droplet-only datacenters). The region
slug is the lowercase name, as in the endpoint `https://<slug>.digitaloceanspaces.com`.

Updating: when DigitalOcean opens Spaces in another datacenter, add its slug here from that
page (and bump the date above); a stack naming it is refused until then, with this file named
in the error.
"""

from __future__ import annotations

SPACES_REGIONS = frozenset({"nyc3", "ams3", "sfo2", "sfo3", "sgp1", "lon1", "fra1", "tor1", "blr1", "syd1", "atl1"})
SOURCE = "DigitalOcean's Spaces Availability page, listed in infra/providers/digitalocean/regions.py"
