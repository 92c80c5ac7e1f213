using System.Net;
using System.Net.Sockets;

namespace PrisonerReleaseTracker.Domain.Webhooks;

/// <summary>
/// Which addresses a webhook may be sent to: public unicast only. Loopback, private, link-local, carrier-grade NAT,
/// multicast, reserved and documentation ranges reach this machine or its network, never a partner (SSRF).
/// IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4) are judged by the address they embed.
/// </summary>
public static class AddressRules
{
    private static readonly (byte[] Network, int Bits)[] BlockedV4 =
    [
        ([0, 0, 0, 0], 8),          // "this network"
        ([10, 0, 0, 0], 8),         // private
        ([100, 64, 0, 0], 10),      // carrier-grade NAT
        ([127, 0, 0, 0], 8),        // loopback
        ([169, 254, 0, 0], 16),     // link-local (cloud metadata services live here)
        ([172, 16, 0, 0], 12),      // private
        ([192, 0, 0, 0], 24),       // IETF protocol assignments
        ([192, 0, 2, 0], 24),       // documentation
        ([192, 88, 99, 0], 24),     // 6to4 relay anycast
        ([192, 168, 0, 0], 16),     // private
        ([198, 18, 0, 0], 15),      // benchmarking
        ([198, 51, 100, 0], 24),    // documentation
        ([203, 0, 113, 0], 24),     // documentation
        ([224, 0, 0, 0], 4),        // multicast
        ([240, 0, 0, 0], 4),        // reserved, and broadcast
    ];

    private static readonly (byte[] Network, int Bits)[] BlockedV6 =
    [
        (IPAddress.IPv6Any.GetAddressBytes(), 128),
        (IPAddress.IPv6Loopback.GetAddressBytes(), 128),
        (Bytes(0x01, 0x00), 64),            // discard-only
        (Bytes(0x20, 0x01, 0x0d, 0xb8), 32), // documentation
        (Bytes(0x20, 0x01, 0x00, 0x00), 32), // Teredo
        (Bytes(0xfc), 7),                   // unique local
        (Bytes(0xfe, 0x80), 10),            // link-local
        (Bytes(0xfe, 0xc0), 10),            // site-local (deprecated)
        (Bytes(0xff), 8),                   // multicast
    ];

    /// <summary>True for a public unicast address.</summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return !InAny(address.GetAddressBytes(), BlockedV4);
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return IsPublic(address.MapToIPv4());
        }

        var bytes = address.GetAddressBytes();
        if (EmbeddedV4(bytes) is { } embedded)
        {
            return IsPublic(embedded);
        }

        return !InAny(bytes, BlockedV6);
    }

    /// <summary>The IPv4 address inside IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16) addresses.</summary>
    private static IPAddress? EmbeddedV4(byte[] v6)
    {
        if (v6.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
        {
            return new IPAddress(v6.AsSpan(12, 4));
        }

        if (v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xff && v6[3] == 0x9b && v6.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
        {
            return new IPAddress(v6.AsSpan(12, 4));
        }

        return v6[0] == 0x20 && v6[1] == 0x02 ? new IPAddress(v6.AsSpan(2, 4)) : null;
    }

    private static bool InAny(byte[] address, (byte[] Network, int Bits)[] networks) =>
        networks.Any(n => n.Network.Length == address.Length && InNetwork(address, n.Network, n.Bits));

    private static bool InNetwork(byte[] address, byte[] network, int bits)
    {
        for (var i = 0; i < bits / 8; i++)
        {
            if (address[i] != network[i])
            {
                return false;
            }
        }

        var rest = bits % 8;
        if (rest == 0)
        {
            return true;
        }

        var mask = (byte)(0xff << (8 - rest));
        return (address[bits / 8] & mask) == (network[bits / 8] & mask);
    }

    private static byte[] Bytes(params byte[] prefix)
    {
        var bytes = new byte[16];
        prefix.CopyTo(bytes, 0);
        return bytes;
    }
}
