//! Who is on the other end of a request, for rate limits.
//!
//! Behind a reverse proxy every request comes from the proxy's address, so
//! the client's address is read from `X-Forwarded-For` — but only when the
//! socket peer is a configured trusted proxy, and then from the right: the
//! first address that is not itself a trusted proxy is the client (anything
//! left of it was written by the client and proves nothing).
//!
//! Rate-limit buckets are per IPv4 address and per IPv6 /64: one household
//! line gets a whole /64, so a /128 bucket would be no limit at all.

use std::net::IpAddr;

/// A parsed list of trusted proxy networks.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    /// Parses `ip` or `ip/prefix` entries.
    pub fn parse(list: &[String]) -> Result<Self, String> {
        let mut nets = Vec::new();
        for entry in list {
            let (ip, prefix) = match entry.split_once('/') {
                Some((ip, p)) => (ip, Some(p)),
                None => (entry.as_str(), None),
            };
            let ip: IpAddr = ip
                .trim()
                .parse()
                .map_err(|_| format!("not an IP address: {entry}"))?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let prefix = match prefix {
                None => max,
                Some(p) => p
                    .trim()
                    .parse::<u8>()
                    .ok()
                    .filter(|p| *p <= max)
                    .ok_or_else(|| format!("not a prefix length: {entry}"))?,
            };
            nets.push((ip, prefix));
        }
        Ok(TrustedProxies(nets))
    }

    /// Whether `ip` is inside one of the networks.
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0
            .iter()
            .any(|(net, prefix)| in_network(ip, *net, *prefix))
    }

    /// The client's address: the peer, or, when the peer is a trusted proxy,
    /// the rightmost `X-Forwarded-For` entry that is not a trusted proxy.
    pub fn client(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        if !self.contains(peer) {
            return peer;
        }
        let Some(list) = forwarded_for else {
            return peer;
        };
        let mut client = peer;
        for hop in list.rsplit(',') {
            match hop.trim().parse::<IpAddr>() {
                Ok(ip) if self.contains(ip) => client = ip,
                Ok(ip) => return ip,
                Err(_) => return client,
            }
        }
        client
    }
}

fn in_network(ip: IpAddr, net: IpAddr, prefix: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            let mask = u32::MAX.checked_shl(32 - prefix as u32).unwrap_or(0);
            u32::from(a) & mask == u32::from(b) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(b)) => {
            let mask = u128::MAX.checked_shl(128 - prefix as u32).unwrap_or(0);
            u128::from(a) & mask == u128::from(b) & mask
        }
        _ => false,
    }
}

/// The rate-limit bucket of an address: the address for IPv4 (and
/// IPv4-mapped IPv6), its /64 for IPv6.
pub fn bucket(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => format!("ip:{v4}"),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => format!("ip:{v4}"),
            None => {
                let s = v6.segments();
                format!("ip6:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let t = TrustedProxies::parse(&["10.0.0.0/8".into(), "::1".into()]).unwrap();
        // Not a proxy: the header is the client's own words.
        assert_eq!(
            t.client(ip("203.0.113.9"), Some("1.2.3.4")),
            ip("203.0.113.9")
        );
        // A proxy: the rightmost untrusted hop; left of it is forgeable.
        assert_eq!(
            t.client(ip("10.1.2.3"), Some("6.6.6.6, 198.51.100.7, 10.0.0.5")),
            ip("198.51.100.7")
        );
        assert_eq!(t.client(ip("10.1.2.3"), None), ip("10.1.2.3"));
        assert_eq!(t.client(ip("::1"), Some("garbage")), ip("::1"));
        assert!(TrustedProxies::parse(&["10.0.0.0/33".into()]).is_err());
        assert!(TrustedProxies::parse(&["nope".into()]).is_err());
    }

    #[test]
    fn ipv6_shares_a_bucket_per_64() {
        assert_eq!(
            bucket(ip("2001:db8:1:2::1")),
            bucket(ip("2001:db8:1:2:ffff::9"))
        );
        assert_ne!(bucket(ip("2001:db8:1:2::1")), bucket(ip("2001:db8:1:3::1")));
        assert_eq!(bucket(ip("::ffff:192.0.2.1")), bucket(ip("192.0.2.1")));
        assert_eq!(bucket(ip("192.0.2.1")), "ip:192.0.2.1");
    }
}
