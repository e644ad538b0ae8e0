//! Whose word on the client's address is believed. Behind a reverse proxy every request comes
//! from the proxy, which names the client in `X-Forwarded-For`; but any client can send that
//! header too. So the header counts only on requests from the proxies named at start, and is
//! read from the right, skipping the trusted proxies' own entries: the first address that is
//! not one of them is the client's.

use std::net::IpAddr;

use axum::http::{HeaderMap, HeaderName};
use ipnet::IpNet;

#[derive(Debug, Clone)]
pub struct TrustedProxies {
    header: HeaderName,
    nets: Vec<IpNet>,
}

impl TrustedProxies {
    /// `list`: addresses or networks separated by commas or spaces (`127.0.0.1, 10.0.0.0/8`).
    pub fn parse(header: &str, list: &str) -> Result<TrustedProxies, String> {
        let header = HeaderName::try_from(header.trim())
            .map_err(|_| format!("--proxy-header「{header}」不是合法的请求头名"))?;
        let mut nets = Vec::new();
        for item in list
            .split([',', ' '])
            .map(str::trim)
            .filter(|i| !i.is_empty())
        {
            let net = match item.parse::<IpNet>() {
                Ok(net) => net,
                Err(_) => item.parse::<IpAddr>().map(IpNet::from).map_err(|_| {
                    format!("--trusted-proxy「{item}」不是 IP 地址或网段（如 10.0.0.0/8）")
                })?,
            };
            nets.push(net);
        }
        if nets.is_empty() {
            return Err("--trusted-proxy 没有给出任何地址".into());
        }
        Ok(TrustedProxies { header, nets })
    }

    fn trusts(&self, address: IpAddr) -> bool {
        let address = canonical(address);
        self.nets.iter().any(|net| net.contains(&address))
    }

    /// The client's address for a request that arrived from `peer`.
    pub fn client(&self, headers: &HeaderMap, peer: IpAddr) -> IpAddr {
        if !self.trusts(peer) {
            return canonical(peer);
        }
        let mut client = canonical(peer);
        // Every value of the header, in order, as one list; read from the right.
        let entries: Vec<&str> = headers
            .get_all(&self.header)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect();
        for entry in entries.iter().rev() {
            let Ok(address) = entry.trim().parse::<IpAddr>() else {
                // An entry we cannot read ends what we can believe.
                break;
            };
            client = canonical(address);
            if !self.trusts(address) {
                break;
            }
        }
        client
    }
}

/// IPv4 addresses written as IPv6 (`::ffff:10.0.0.1`) are the IPv4 address.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append("x-forwarded-for", v.parse().expect("header"));
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_proxy() {
        let proxies =
            TrustedProxies::parse("X-Forwarded-For", "127.0.0.1, 10.0.0.0/8").expect("parses");
        let sent = headers(&["203.0.113.9"]);
        assert_eq!(proxies.client(&sent, ip("127.0.0.1")), ip("203.0.113.9"));
        assert_eq!(
            proxies.client(&sent, ip("::ffff:10.1.2.3")),
            ip("203.0.113.9")
        );
        // A client speaking directly cannot choose its address.
        assert_eq!(
            proxies.client(&sent, ip("198.51.100.7")),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn entries_are_read_from_the_right_skipping_trusted_hops() {
        let proxies = TrustedProxies::parse("x-forwarded-for", "10.0.0.0/8").expect("parses");
        // The client forged the first entry; the proxies appended the real one and their own.
        let sent = headers(&["1.2.3.4, 203.0.113.9", "10.0.0.5"]);
        assert_eq!(proxies.client(&sent, ip("10.0.0.1")), ip("203.0.113.9"));
        let junk = headers(&["junk"]);
        assert_eq!(proxies.client(&junk, ip("10.0.0.1")), ip("10.0.0.1"));
        let none = HeaderMap::new();
        assert_eq!(proxies.client(&none, ip("10.0.0.1")), ip("10.0.0.1"));
    }

    #[test]
    fn bad_settings_are_named() {
        let error = TrustedProxies::parse("X-Forwarded-For", "10.0.0.0/8, nonsense").unwrap_err();
        assert!(error.contains("nonsense"), "{error}");
        assert!(TrustedProxies::parse("bad header", "127.0.0.1").is_err());
        assert!(TrustedProxies::parse("X-Forwarded-For", " , ").is_err());
    }
}
