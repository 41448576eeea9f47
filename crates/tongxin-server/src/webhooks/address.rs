//! Where deliveries may go: public addresses only, unless the operator
//! allows private ones (`--webhook-allow-private`; the demo on loopback
//! allows loopback). Checked on the addresses a name resolves to, by the
//! HTTP client's own resolver, so a name that changes its answer between
//! the check and the connection (DNS rebinding) still cannot reach the
//! server's own network; IP literals in the URL are checked before.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Which non-public addresses deliveries may reach.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reach {
    /// Private, link-local and other non-public ranges, loopback included.
    pub private: bool,
    /// Loopback only (the demo).
    pub loopback: bool,
}

impl Reach {
    /// Whether a delivery may connect to `ip`.
    pub fn allows(self, ip: IpAddr) -> bool {
        is_public(ip) || self.private || (self.loopback && ip.is_loopback())
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240)
}

fn public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return public_v4(v4);
    }
    let s = ip.segments();
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x64 && s[1] == 0xff9b)) // NAT64: an IPv4 address inside
}

/// Whether `ip` is an address of the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => public_v6(v6),
    }
}

/// The addresses `host` resolves to that `reach` allows; an error naming
/// why when there is none.
pub async fn resolve(host: &str, port: u16, reach: Reach) -> Result<Vec<SocketAddr>, String> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let all: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| format!("{host} does not resolve: {e}"))?
            .collect(),
    };
    let allowed: Vec<SocketAddr> = all
        .iter()
        .copied()
        .filter(|a| reach.allows(a.ip()))
        .collect();
    if allowed.is_empty() {
        return Err(format!(
            "{host} resolves to a private or local address ({}); deliveries go to public addresses only unless the operator allows private ones (--webhook-allow-private)",
            all.first().map(|a| a.ip().to_string()).unwrap_or_default()
        ));
    }
    Ok(allowed)
}

/// The HTTP client's resolver: [`resolve`] for every connection.
pub struct Guard(pub Reach);

impl reqwest::dns::Resolve for Guard {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let reach = self.0;
        Box::pin(async move {
            let addrs = resolve(name.as_str(), 0, reach).await?;
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_by_default() {
        for public in [
            "8.8.8.8",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "198.18.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
    }

    #[test]
    fn the_operator_may_allow_loopback_or_private() {
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        let lan: IpAddr = "192.168.1.2".parse().unwrap();
        assert!(!Reach::default().allows(lo));
        let demo = Reach {
            loopback: true,
            private: false,
        };
        assert!(demo.allows(lo) && !demo.allows(lan));
        let all = Reach {
            private: true,
            loopback: false,
        };
        assert!(all.allows(lo) && all.allows(lan));
    }

    #[tokio::test]
    async fn names_are_checked_on_what_they_resolve_to() {
        let e = resolve("localhost", 80, Reach::default())
            .await
            .unwrap_err();
        assert!(e.contains("private or local"), "{e}");
        assert!(
            resolve(
                "localhost",
                80,
                Reach {
                    loopback: true,
                    private: false
                }
            )
            .await
            .is_ok()
        );
        assert!(resolve("[::1]", 80, Reach::default()).await.is_err());
    }
}
