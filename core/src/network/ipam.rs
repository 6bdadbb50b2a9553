//! Address allocation: ClusterIPs from the service CIDR, NodePorts, and pod
//! IPs from each node's pod CIDR.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use crate::rand::Rng;

/// The range ClusterIPs come from (`--service-cluster-ip-range`); its first
/// address is the `kubernetes` Service's and its tenth kube-dns's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ServiceCidr {
    /// The range's first address.
    pub network: Ipv4Addr,
    /// Its prefix length.
    pub prefix: u8,
}

impl ServiceCidr {
    /// kubeadm's range, 10.96.0.0/12.
    pub const KUBEADM: Self = Self {
        network: Ipv4Addr::new(10, 96, 0, 0),
        prefix: 12,
    };

    /// The address `offset` places into the range.
    fn nth(self, offset: u32) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.network) + offset)
    }

    /// The `kubernetes` Service's address: the first in the range.
    pub fn kubernetes_ip(self) -> Ipv4Addr {
        self.nth(1)
    }

    /// kube-dns's address: the tenth.
    pub fn dns_ip(self) -> Ipv4Addr {
        self.nth(10)
    }

    /// Whether `ip` is in the range.
    pub fn contains(self, ip: Ipv4Addr) -> bool {
        u32::from(ip).wrapping_sub(u32::from(self.network)) < self.size()
    }

    /// How many addresses the range spans.
    pub fn size(self) -> u32 {
        1u32 << (32 - u32::from(self.prefix.clamp(1, 30)))
    }
}

impl Default for ServiceCidr {
    fn default() -> Self {
        Self::KUBEADM
    }
}

impl std::fmt::Display for ServiceCidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// Why an address could not be had.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AllocationError {
    /// Outside the range.
    OutOfRange,
    /// Already taken.
    AlreadyAllocated,
    /// Nothing left.
    Full,
}

/// ClusterIP allocation as the API server's bitmap allocator does it: the
/// network and broadcast addresses are never used, a low "static" band is
/// kept for addresses asked for by value, and dynamic addresses are drawn at
/// random from the upper band first.
#[derive(Clone, Debug)]
pub struct ServiceIpAllocator {
    cidr: ServiceCidr,
    allocated: BTreeSet<u32>,
}

impl Default for ServiceIpAllocator {
    fn default() -> Self {
        Self::new(ServiceCidr::KUBEADM)
    }
}

impl ServiceIpAllocator {
    /// An allocator over `cidr`.
    pub fn new(cidr: ServiceCidr) -> Self {
        Self {
            cidr,
            allocated: BTreeSet::new(),
        }
    }

    /// The range it allocates from.
    pub fn cidr(&self) -> ServiceCidr {
        self.cidr
    }

    fn static_band(&self) -> u32 {
        (self.cidr.size() / 16).clamp(16, 256)
    }

    /// Reserves a specific address.
    pub fn allocate(&mut self, ip: Ipv4Addr) -> Result<(), AllocationError> {
        let base = u32::from(self.cidr.network);
        let offset = u32::from(ip).wrapping_sub(base);
        if u32::from(ip) < base || offset == 0 || offset >= self.cidr.size() - 1 {
            return Err(AllocationError::OutOfRange);
        }
        if !self.allocated.insert(offset) {
            return Err(AllocationError::AlreadyAllocated);
        }
        Ok(())
    }

    /// Draws a free address: the upper band first, then the static band.
    pub fn allocate_next(&mut self, rng: &mut Rng) -> Result<Ipv4Addr, AllocationError> {
        let band = self.static_band();
        let upper = band + 1..self.cidr.size() - 1;
        let lower = 1..band + 1;
        for range in [upper, lower] {
            if let Some(offset) = self.random_free(range, rng) {
                self.allocated.insert(offset);
                return Ok(self.cidr.nth(offset));
            }
        }
        Err(AllocationError::Full)
    }

    fn random_free(&self, range: std::ops::Range<u32>, rng: &mut Rng) -> Option<u32> {
        let len = range.end.checked_sub(range.start)?;
        if len == 0 {
            return None;
        }
        let start = range.start + rng.below(u64::from(len)) as u32;
        // Scan forward from a random point, wrapping, as the bitmap allocator does.
        (start..range.end)
            .chain(range.start..start)
            .find(|offset| !self.allocated.contains(offset))
    }

    /// Frees an address.
    pub fn release(&mut self, ip: Ipv4Addr) {
        self.allocated
            .remove(&u32::from(ip).wrapping_sub(u32::from(self.cidr.network)));
    }
}

/// The NodePort range, 30000-32767.
pub const NODE_PORT_RANGE: std::ops::RangeInclusive<i32> = 30000..=32767;

/// NodePort allocation: random free ports from [`NODE_PORT_RANGE`].
#[derive(Clone, Debug, Default)]
pub struct NodePortAllocator {
    allocated: BTreeSet<i32>,
}

impl NodePortAllocator {
    /// Reserves a specific port.
    pub fn allocate(&mut self, port: i32) -> Result<(), AllocationError> {
        if !NODE_PORT_RANGE.contains(&port) {
            return Err(AllocationError::OutOfRange);
        }
        if !self.allocated.insert(port) {
            return Err(AllocationError::AlreadyAllocated);
        }
        Ok(())
    }

    /// Draws a free port.
    pub fn allocate_next(&mut self, rng: &mut Rng) -> Result<i32, AllocationError> {
        let (low, high) = (*NODE_PORT_RANGE.start(), *NODE_PORT_RANGE.end());
        let start = low + rng.below((high - low + 1) as u64) as i32;
        let port = (start..=high)
            .chain(low..start)
            .find(|p| !self.allocated.contains(p))
            .ok_or(AllocationError::Full)?;
        self.allocated.insert(port);
        Ok(port)
    }

    /// Frees a port.
    pub fn release(&mut self, port: i32) {
        self.allocated.remove(&port);
    }
}

/// Pod IPs on one node, from its /24 pod CIDR, handed out in order as the
/// host-local IPAM plugin does (`.1` is the node's bridge).
#[derive(Clone, Debug)]
pub struct PodIpPool {
    network: [u8; 3],
    next: u8,
    in_use: BTreeSet<u8>,
}

impl PodIpPool {
    /// The pool for node number `index` (0 for the control plane): 10.244.index.0/24.
    pub fn for_node(index: u8) -> Self {
        Self {
            network: [10, 244, index],
            next: 2,
            in_use: BTreeSet::new(),
        }
    }

    /// The node's pod CIDR, e.g. `10.244.1.0/24`.
    pub fn cidr(&self) -> String {
        let [a, b, c] = self.network;
        format!("{a}.{b}.{c}.0/24")
    }

    /// The next free address after the last one handed out, wrapping.
    pub fn allocate(&mut self) -> Option<Ipv4Addr> {
        let candidates = (self.next..=254).chain(2..self.next);
        let host = candidates.into_iter().find(|h| !self.in_use.contains(h))?;
        self.in_use.insert(host);
        self.next = if host == 254 { 2 } else { host + 1 };
        let [a, b, c] = self.network;
        Some(Ipv4Addr::new(a, b, c, host))
    }

    /// Takes a specific address of this pool (a pod adopted after a
    /// restart keeps its IP); false when it is not this pool's or is taken.
    pub fn reserve(&mut self, ip: Ipv4Addr) -> bool {
        let [a, b, c, host] = ip.octets();
        [a, b, c] == self.network && (2..=254).contains(&host) && self.in_use.insert(host)
    }

    /// Frees an address of this pool.
    pub fn release(&mut self, ip: Ipv4Addr) {
        let [a, b, c, host] = ip.octets();
        if [a, b, c] == self.network {
            self.in_use.remove(&host);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dynamic_cluster_ips_come_from_the_upper_band_and_never_repeat() {
        let mut allocator = ServiceIpAllocator::default();
        let cidr = ServiceCidr::KUBEADM;
        allocator.allocate(cidr.kubernetes_ip()).expect("free");
        allocator.allocate(cidr.dns_ip()).expect("free");
        assert_eq!(
            allocator.allocate(cidr.dns_ip()),
            Err(AllocationError::AlreadyAllocated)
        );
        assert_eq!(
            allocator.allocate(Ipv4Addr::new(10, 96, 0, 0)),
            Err(AllocationError::OutOfRange)
        );
        assert_eq!(
            allocator.allocate(Ipv4Addr::new(10, 112, 0, 0)),
            Err(AllocationError::OutOfRange)
        );
        let mut rng = Rng::new(42);
        let mut seen = BTreeSet::new();
        for _ in 0..100 {
            let ip = allocator.allocate_next(&mut rng).expect("space left");
            let offset = u32::from(ip) - u32::from(cidr.network);
            assert!(offset > 256 && offset < (1 << 20) - 1, "{ip}");
            assert!(seen.insert(ip));
        }
    }

    #[test]
    fn a_tiny_range_falls_back_to_the_static_band_then_fills_up() {
        let mut allocator = ServiceIpAllocator::new(ServiceCidr {
            network: Ipv4Addr::new(10, 0, 0, 0),
            prefix: 27,
        });
        let mut rng = Rng::new(1);
        let ips: BTreeSet<_> = (0..30)
            .map(|_| allocator.allocate_next(&mut rng).expect("space"))
            .collect();
        assert_eq!(ips.len(), 30);
        assert_eq!(
            allocator.allocate_next(&mut rng),
            Err(AllocationError::Full)
        );
    }

    #[test]
    fn node_ports_stay_in_range() {
        let mut ports = NodePortAllocator::default();
        let mut rng = Rng::new(3);
        let port = ports.allocate_next(&mut rng).expect("free");
        assert!(NODE_PORT_RANGE.contains(&port));
        assert_eq!(ports.allocate(port), Err(AllocationError::AlreadyAllocated));
        assert_eq!(ports.allocate(80), Err(AllocationError::OutOfRange));
    }

    #[test]
    fn pod_ips_are_handed_out_in_order_and_reused_after_release() {
        let mut pool = PodIpPool::for_node(1);
        assert_eq!(pool.cidr(), "10.244.1.0/24");
        let a = pool.allocate().expect("free");
        let b = pool.allocate().expect("free");
        assert_eq!(
            (a.to_string(), b.to_string()),
            ("10.244.1.2".into(), "10.244.1.3".into())
        );
        pool.release(a);
        for _ in 0..252 {
            pool.allocate().expect("free");
        }
        assert_eq!(pool.allocate(), None);
    }
}
