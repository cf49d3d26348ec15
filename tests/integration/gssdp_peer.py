#!/usr/bin/python3
"""gssdp_peer.py device|browse IFACE SECONDS

A UPnP peer made with GSSDP (GNOME's SSDP library, through python3-gi and
gir1.2-gssdp-1.6), for dpi-ssdp.test:

  device  announces two resources (upnp:rootdevice and
          urn:netlens-test:device:Probe:1: NOTIFY ssdp:byebye, then
          ssdp:alive) and answers M-SEARCHes for them, for SECONDS
  check   exits 0 (GSSDP loads) or 77
  browse  searches for urn:netlens-test:device:Probe:1 (M-SEARCH with
          GSSDP's USER-AGENT) and prints "found USN LOCATION" for each
          answer, for SECONDS

Exit 77 when GSSDP cannot be loaded.
"""
import sys
import warnings

try:
    import gi
    gi.require_version("GSSDP", "1.6")
    from gi.repository import GLib, GSSDP
except (ImportError, ValueError) as e:
    print("gssdp_peer.py: no GSSDP: %s" % e)
    sys.exit(77)

UUID = "uuid:6e65746c-656e-7300-0000-000000000001"
PROBE = "urn:netlens-test:device:Probe:1"


def main():
    mode, iface, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
    if mode == "check":
        return 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        client = GSSDP.Client.new(iface)
    loop = GLib.MainLoop()
    keep = []
    if mode == "device":
        group = GSSDP.ResourceGroup.new(client)
        loc = "http://%s:4004/desc.xml" % client.get_host_ip()
        for target in ("upnp:rootdevice", PROBE):
            group.add_resource_simple(target, "%s::%s" % (UUID, target), loc)
        group.set_available(True)
        keep.append(group)
    else:
        browser = GSSDP.ResourceBrowser.new(client, PROBE)
        browser.connect("resource-available",
                        lambda b, usn, locs: print("found", usn, locs[0] if locs else "", flush=True))
        browser.set_active(True)
        keep.append(browser)
    GLib.timeout_add(int(secs * 1000), loop.quit)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
