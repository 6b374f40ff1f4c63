//! Names of the feature bits and context flags.

use crate::abi;

/// VCTX_FEAT_* bits and their names, in bit order.
pub const FEATURES: &[(u64, &str)] = &[
    (abi::VCTX_FEAT_VERSION, "version"),
    (abi::VCTX_FEAT_CONTEXTS, "contexts"),
    (abi::VCTX_FEAT_MEMBERSHIP, "membership"),
    (abi::VCTX_FEAT_KILL, "kill"),
    (abi::VCTX_FEAT_WAIT, "wait"),
    (abi::VCTX_FEAT_ISOLATION, "isolation"),
    (abi::VCTX_FEAT_ACCOUNTING, "accounting"),
    (abi::VCTX_FEAT_LIMITS, "limits"),
    (abi::VCTX_FEAT_EVENTS, "events"),
    (abi::VCTX_FEAT_VIRT, "virt"),
    (abi::VCTX_FEAT_NAMESPACES, "namespaces"),
    (abi::VCTX_FEAT_SEAL, "seal"),
    (abi::VCTX_FEAT_CAPS, "caps"),
    (abi::VCTX_FEAT_REBOOT, "reboot"),
    (abi::VCTX_FEAT_CGROUP, "cgroup"),
    (abi::VCTX_FEAT_CPUVIEW, "cpuview"),
];

/// VCTX_CTX_* flags and their names, in bit order.
pub const CTX_FLAGS: &[(u32, &str)] = &[
    (abi::VCTX_CTX_EPHEMERAL, "ephemeral"),
    (abi::VCTX_CTX_SPECTATOR, "spectator"),
    (abi::VCTX_CTX_NOVIRT, "novirt"),
    (abi::VCTX_CTX_KILLING, "killing"),
    (abi::VCTX_CTX_SEALED, "sealed"),
    (abi::VCTX_CTX_CGROUP, "cgroup"),
];

/// The names of the bits set in `bits`; an unknown bit N is named "bitN".
fn decode(bits: u64, table: &[(u64, &str)]) -> Vec<String> {
    (0..64)
        .map(|n| 1u64 << n)
        .filter(|bit| bits & bit != 0)
        .map(|bit| match table.iter().find(|(b, _)| *b == bit) {
            Some((_, name)) => (*name).to_owned(),
            None => format!("bit{}", bit.trailing_zeros()),
        })
        .collect()
}

/// Decodes VCTX_VERSION's `features`.
pub fn feature_names(features: u64) -> Vec<String> {
    decode(features, FEATURES)
}

/// Decodes a context's `flags`.
pub fn ctx_flag_names(flags: u32) -> Vec<String> {
    let table: Vec<(u64, &str)> = CTX_FLAGS.iter().map(|&(b, n)| (u64::from(b), n)).collect();
    decode(u64::from(flags), &table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features() {
        assert_eq!(
            feature_names(0x1f),
            ["version", "contexts", "membership", "kill", "wait"]
        );
        assert_eq!(feature_names(0), Vec::<String>::new());
        assert_eq!(feature_names(0b100_0001), ["version", "accounting"]);
        assert_eq!(feature_names(0b1_1000_0000), ["limits", "events"]);
        assert_eq!(feature_names(1 << 12 | 1 << 13), ["caps", "reboot"]);
        assert_eq!(feature_names(1 << 30), ["bit30"]);
        assert_eq!(feature_names(0b10_0000), ["isolation"]);
        assert_eq!(feature_names(1 << 9), ["virt"]);
    }

    #[test]
    fn ctx_flags() {
        assert_eq!(ctx_flag_names(1), ["ephemeral"]);
        assert_eq!(ctx_flag_names(1 << 2), ["novirt"]);
        assert_eq!(ctx_flag_names(1 << 16 | 1), ["ephemeral", "killing"]);
        assert_eq!(ctx_flag_names(1 << 3), ["bit3"]);
    }
}
