//! The suite's `network` names, as chain configurations.
//!
//! Single-fork names (`Cancun`) activate every fork up to that one at genesis. Transition
//! names (`{A}To{B}At{when}`) start with `A`'s rules and activate every later fork up to
//! `B` at `when`: a block number (`At5`), a timestamp (`AtTime15k`) or, for Paris, a
//! terminal total difficulty (`AtDiffC0000`), which the runner resolves to a block number
//! per chain (see [`NetworkSpec::config_for`]).

use alloy_primitives::U256;
use stateless_executor::{
    Activation, ChainConfig,
    chain::{FORKS, is_timestamp_fork},
    deps::{
        alloy_eips::eip6110::MAINNET_DEPOSIT_CONTRACT_ADDRESS, alloy_hardforks::EthereumHardfork,
    },
};

/// The chain id every network of the suite uses.
pub const CHAIN_ID: u64 = 1;

/// A network of the suite: a chain config, plus a terminal total difficulty when Paris
/// activates by total difficulty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkSpec {
    /// Rules without Paris when `ttd` is set; the complete rules otherwise.
    pub config: ChainConfig,
    /// Paris activates at the first block whose parent's total difficulty reaches this.
    pub ttd: Option<U256>,
}

impl NetworkSpec {
    /// The config for a block on a chain where `paris_block` is the first block whose
    /// parent's total difficulty reached the TTD (`None`: not reached at or before this
    /// block). Without a TTD this is simply the network's config.
    pub fn config_for(&self, paris_block: Option<u64>) -> ChainConfig {
        match (self.ttd, paris_block) {
            (Some(_), Some(n)) => {
                self.config.clone().with_fork(EthereumHardfork::Paris, Activation::Block(n))
            }
            _ => self.config.clone(),
        }
    }
}

/// Maps a suite fork name to a fork.
pub fn fork_by_name(name: &str) -> Option<EthereumHardfork> {
    use EthereumHardfork as F;
    Some(match name {
        "Frontier" => F::Frontier,
        "Homestead" => F::Homestead,
        "Dao" | "DAO" => F::Dao,
        "EIP150" | "TangerineWhistle" => F::Tangerine,
        "EIP158" | "SpuriousDragon" => F::SpuriousDragon,
        "Byzantium" => F::Byzantium,
        "Constantinople" => F::Constantinople,
        "ConstantinopleFix" | "Petersburg" => F::Petersburg,
        "Istanbul" => F::Istanbul,
        "MuirGlacier" => F::MuirGlacier,
        "Berlin" => F::Berlin,
        "London" => F::London,
        "ArrowGlacier" => F::ArrowGlacier,
        "GrayGlacier" => F::GrayGlacier,
        "Paris" | "Merge" => F::Paris,
        "Shanghai" => F::Shanghai,
        "Cancun" => F::Cancun,
        "Prague" => F::Prague,
        "Osaka" => F::Osaka,
        _ => return None,
    })
}

/// Builds the network named `name`; `Err` says why it is not supported (the test is
/// skipped).
pub fn network(name: &str) -> Result<NetworkSpec, String> {
    if let Some(fork) = fork_by_name(name) {
        let config = with_deposit_contract(ChainConfig::all_forks_until(CHAIN_ID, fork));
        if fork == EthereumHardfork::Constantinople {
            // revm has no Constantinople rules (EIP-1283 net gas metering); the executor
            // refuses Constantinople without Petersburg.
            return Err(
                "Constantinople without Petersburg (EIP-1283) is not implemented by revm".into()
            );
        }
        return Ok(NetworkSpec { config, ttd: None });
    }
    let unknown = || format!("unknown network {name:?}");
    let (from, rest) = split_camel(name, "To").ok_or_else(unknown)?;
    let (to, when) = split_camel(rest, "At").ok_or_else(unknown)?;
    let from = fork_by_name(from).ok_or_else(unknown)?;
    let to = fork_by_name(to).ok_or_else(unknown)?;
    let pos = |f| FORKS.iter().position(|x| *x == f).expect("every named fork is in FORKS");
    if pos(to) <= pos(from) {
        return Err(unknown());
    }
    // Forks strictly after `from`, up to and including `to`, activate at the transition;
    // the DAO fork only when it is the target (it is an irregular state change, not rules).
    let later = FORKS[pos(from) + 1..=pos(to)]
        .iter()
        .copied()
        .filter(|f| *f != EthereumHardfork::Dao || to == EthereumHardfork::Dao);
    let mut config = ChainConfig::all_forks_until(CHAIN_ID, from);
    let mut ttd = None;
    if let Some(diff) = when.strip_prefix("Diff") {
        // Paris by total difficulty: the forks before it are active from genesis.
        if to != EthereumHardfork::Paris {
            return Err(format!("{name:?}: only Paris activates by total difficulty"));
        }
        ttd = Some(U256::from_str_radix(diff, 16).map_err(|_| unknown())?);
        for fork in later.filter(|f| *f != EthereumHardfork::Paris) {
            config = config.with_fork(fork, Activation::Block(0));
        }
    } else {
        let act = if let Some(t) = when.strip_prefix("Time") {
            Activation::Timestamp(parse_count(t).ok_or_else(unknown)?)
        } else {
            Activation::Block(parse_count(when).ok_or_else(unknown)?)
        };
        for fork in later {
            let ok = matches!(act, Activation::Timestamp(_)) == is_timestamp_fork(fork);
            if !ok {
                return Err(format!("{name:?}: {fork} cannot activate at {act:?}"));
            }
            config = config.with_fork(fork, act);
        }
    }
    Ok(NetworkSpec { config: with_deposit_contract(config), ttd })
}

/// Prague's EIP-6110 deposits come from mainnet's deposit contract.
fn with_deposit_contract(mut config: ChainConfig) -> ChainConfig {
    if config.forks.iter().any(|(f, _)| *f == EthereumHardfork::Prague) {
        config.deposit_contract = Some(MAINNET_DEPOSIT_CONTRACT_ADDRESS);
    }
    config
}

/// Splits `s` at the first `sep` that is followed by an upper-case letter or a digit.
fn split_camel<'a>(s: &'a str, sep: &str) -> Option<(&'a str, &'a str)> {
    let mut from = 0;
    while let Some(i) = s[from..].find(sep).map(|i| i + from) {
        let rest = &s[i + sep.len()..];
        if i > 0 && rest.starts_with(|c: char| c.is_ascii_uppercase() || c.is_ascii_digit()) {
            return Some((&s[..i], rest));
        }
        from = i + 1;
    }
    None
}

/// `5` → 5, `15k` → 15000.
fn parse_count(s: &str) -> Option<u64> {
    match s.strip_suffix('k') {
        Some(k) => k.parse::<u64>().ok()?.checked_mul(1000),
        None => s.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EthereumHardfork as F;

    fn forks(c: &ChainConfig) -> Vec<(EthereumHardfork, Activation)> {
        let mut v = c.forks.clone();
        v.sort_by_key(|(f, _)| FORKS.iter().position(|x| x == f));
        v
    }

    #[test]
    fn single_fork_networks_activate_exactly_their_forks() {
        let b = Activation::Block(0);
        let t = Activation::Timestamp(0);
        let c = network("Frontier").unwrap().config;
        assert_eq!(forks(&c), vec![(F::Frontier, b)]);
        let c = network("EIP150").unwrap().config;
        assert_eq!(forks(&c), vec![(F::Frontier, b), (F::Homestead, b), (F::Tangerine, b)]);
        let c = network("ConstantinopleFix").unwrap().config;
        assert_eq!(forks(&c).last(), Some(&(F::Petersburg, b)));
        assert!(!c.forks.iter().any(|(f, _)| *f == F::Dao || *f == F::Istanbul));
        assert!(network("Constantinople").unwrap_err().contains("EIP-1283"));
        let c = network("Cancun").unwrap().config;
        assert_eq!(c.chain_id, 1);
        assert_eq!(forks(&c).len(), 16); // 17 up to Cancun, less the DAO fork
        assert_eq!(forks(&c)[13..], [(F::Paris, b), (F::Shanghai, t), (F::Cancun, t)]);
        assert_eq!(c.deposit_contract, None);
        let c = network("Prague").unwrap().config;
        assert_eq!(c.deposit_contract, Some(MAINNET_DEPOSIT_CONTRACT_ADDRESS));
        assert_eq!(network("Merge").unwrap(), network("Paris").unwrap());
    }

    #[test]
    fn transition_networks() {
        let c = network("FrontierToHomesteadAt5").unwrap().config;
        assert_eq!(
            forks(&c),
            vec![(F::Frontier, Activation::Block(0)), (F::Homestead, Activation::Block(5))]
        );
        let c = network("HomesteadToDaoAt5").unwrap().config;
        assert_eq!(forks(&c).last(), Some(&(F::Dao, Activation::Block(5))));
        let c = network("ByzantiumToConstantinopleFixAt5").unwrap().config;
        let last2 = &forks(&c)[forks(&c).len() - 2..];
        assert_eq!(
            last2,
            [(F::Constantinople, Activation::Block(5)), (F::Petersburg, Activation::Block(5))]
        );
        let c = network("ShanghaiToCancunAtTime15k").unwrap().config;
        assert_eq!(forks(&c).last(), Some(&(F::Cancun, Activation::Timestamp(15_000))));
        let c = network("CancunToPragueAtTime15k").unwrap().config;
        assert_eq!(c.deposit_contract, Some(MAINNET_DEPOSIT_CONTRACT_ADDRESS));
        let n = network("ArrowGlacierToParisAtDiffC0000").unwrap();
        assert_eq!(n.ttd, Some(U256::from(0xC0000)));
        assert!(!n.config.forks.iter().any(|(f, _)| *f == F::Paris));
        assert!(n.config_for(Some(7)).forks.contains(&(F::Paris, Activation::Block(7))));
        assert!(network("Atlantis").is_err());
        assert!(network("CancunToShanghaiAtTime15k").is_err());
        assert!(network("BerlinToLondonAtTime15k").is_err());
    }
}
