//! The client's address, for rate limiting and the audit log. `X-Forwarded-For` is believed only
//! when the direct peer is one of the configured trusted proxies.

use std::net::IpAddr;

use actix_web::HttpRequest;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientAddr(pub IpAddr);

impl ClientAddr {
    pub fn of(req: &HttpRequest, trusted_proxies: &[IpAddr]) -> Option<ClientAddr> {
        let peer = req.peer_addr()?.ip();
        if !trusted_proxies.contains(&peer) {
            return Some(ClientAddr(peer));
        }
        // Walk X-Forwarded-For from the right: the first address that is not one of our proxies is
        // the client as our own infrastructure saw it; anything left of it could be forged.
        let forwarded: Vec<IpAddr> = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|s| s.trim().parse().ok())
            .collect();
        let client = forwarded
            .iter()
            .rev()
            .find(|ip| !trusted_proxies.contains(ip))
            .copied()
            .unwrap_or(peer);
        Some(ClientAddr(client))
    }
}

impl std::fmt::Display for ClientAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn ignores_forwarded_for_from_untrusted_peers() {
        let req = TestRequest::default()
            .peer_addr("10.0.0.5:1234".parse().unwrap())
            .insert_header(("x-forwarded-for", "1.2.3.4"))
            .to_http_request();
        assert_eq!(ClientAddr::of(&req, &[]).unwrap().0.to_string(), "10.0.0.5");
    }

    #[test]
    fn takes_the_rightmost_untrusted_hop_behind_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let req = TestRequest::default()
            .peer_addr("10.0.0.1:1234".parse().unwrap())
            .insert_header(("x-forwarded-for", "6.6.6.6, 1.2.3.4"))
            .to_http_request();
        assert_eq!(
            ClientAddr::of(&req, &[proxy]).unwrap().0.to_string(),
            "1.2.3.4"
        );
    }
}
