//! Node ids as dense indices, and attribute look-up without interning.
//!
//! Extraction asks "which node is this" hundreds of thousands of times per
//! page. A `HashMap<NodeId, _>` answers with SipHash each time, which was
//! the largest single cost after parsing. ego_tree keeps its nodes in a
//! vector and a `NodeId` is a position in it, but the position is private;
//! its `Hash` however writes exactly that number, so a hasher that keeps
//! what it is given reads it back. [`NodeKeys`] checks at construction
//! that the keys it got are distinct and small, and falls back to a hash
//! map otherwise, so a different ego_tree cannot make it wrong, only slower.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use ego_tree::NodeId;

/// A hasher that keeps the last integer written to it.
#[derive(Default)]
struct Keep(u64);

impl Hasher for Keep {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Not used by `NodeId` (it writes one `usize`); mixed in so that any
        // other shape still yields a key, which `NodeKeys` then checks.
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = n as u64;
    }
}

/// The number a `NodeId` hashes as (its position in the tree, plus one).
fn raw(id: NodeId) -> u64 {
    let mut keep = Keep::default();
    id.hash(&mut keep);
    keep.finish()
}

/// A map from the node ids of one tree to `0..len` values, for vector
/// look-ups.
pub(super) struct NodeKeys {
    /// `slots[raw(id)]`: the value + 1, or 0 for none.
    slots: Vec<u32>,
    /// Used instead when the ids did not hash to distinct small numbers.
    fallback: Option<HashMap<NodeId, usize>>,
}

impl NodeKeys {
    /// Numbers the ids in the order given: the i-th id maps to `i`.
    pub(super) fn new(ids: impl ExactSizeIterator<Item = NodeId> + Clone) -> NodeKeys {
        let len = ids.len();
        // Ids are at most the tree's size; the tree may hold detached nodes
        // that the caller leaves out, so allow some room.
        let limit = (len as u64).saturating_mul(4).saturating_add(1024);
        let mut slots: Vec<u32> = Vec::new();
        let mut ok = len < u32::MAX as usize;
        for (i, id) in ids.clone().enumerate() {
            if !ok {
                break;
            }
            let key = raw(id);
            if key >= limit {
                ok = false;
                break;
            }
            let key = key as usize;
            if key >= slots.len() {
                slots.resize((key + 1).max(len + 1), 0);
            }
            if slots[key] != 0 {
                ok = false;
                break;
            }
            slots[key] = i as u32 + 1;
        }
        if ok {
            return NodeKeys {
                slots,
                fallback: None,
            };
        }
        NodeKeys {
            slots: Vec::new(),
            fallback: Some(ids.enumerate().map(|(i, id)| (id, i)).collect()),
        }
    }

    /// The value of `id`, when it was numbered.
    #[inline]
    pub(super) fn get(&self, id: NodeId) -> Option<usize> {
        match &self.fallback {
            None => self
                .slots
                .get(raw(id) as usize)
                .and_then(|&v| v.checked_sub(1))
                .map(|v| v as usize),
            Some(map) => map.get(&id).copied(),
        }
    }
}

/// `element.attr(name)` without turning `name` into an interned atom on
/// every call: the attributes (a handful) are compared as strings. Same
/// answer: an attribute with no namespace and no prefix of that local name.
#[inline]
pub(super) fn attr<'e>(element: &'e scraper::node::Element, name: &str) -> Option<&'e str> {
    element
        .attrs
        .iter()
        .find(|(q, _)| q.prefix.is_none() && q.ns.is_empty() && &*q.local == name)
        .map(|(_, v)| &**v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    #[test]
    fn keys_number_every_node_of_a_tree() {
        let html = Html::parse_document("<p class=a id=b>x<b>y</b></p><svg xlink:href=z></svg>");
        let ids: Vec<NodeId> = html.tree.nodes().map(|n| n.id()).collect();
        let keys = NodeKeys::new(ids.iter().copied().rev());
        assert!(keys.fallback.is_none());
        for (i, id) in ids.iter().rev().enumerate() {
            assert_eq!(keys.get(*id), Some(i));
        }
        for node in html.tree.nodes() {
            if let Some(e) = node.value().as_element() {
                for name in ["class", "id", "href", "xlink:href", "style"] {
                    assert_eq!(attr(e, name), e.attr(name), "{name}");
                }
            }
        }
    }
}
