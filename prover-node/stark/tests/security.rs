//! Security figures of both configurations on the current machine.

use zkvm_machine::MachineAir;
use zkvm_stark::{
    DEFAULT_PARAMS, DefaultConfig, HIGH_SECURITY_PARAMS, HighSecurityConfig, MachineConfig,
    MachineShape, security_report, setup,
};

/// Shard height the report is evaluated at: 2^22 rows (the LogUp and DEEP terms weaken as
/// traces grow).
const LOG_SHARD_ROWS: usize = 22;

#[test]
fn default_config_reports_at_least_100_conjectured_bits() {
    let config = DefaultConfig::build();
    let (_pk, vk) = setup(&config, MachineAir::all()).unwrap();
    for log_rows in [16, 20, LOG_SHARD_ROWS] {
        let shape = MachineShape::of(&vk, log_rows);
        let report = security_report(&DEFAULT_PARAMS, &shape);
        println!("default: {report}  [{shape:?}]");
    }
    let report = security_report(&DEFAULT_PARAMS, &MachineShape::of(&vk, LOG_SHARD_ROWS));
    assert!(report.conjectured_bits >= 100.0, "{report}");
}

#[test]
fn high_security_config_reports_at_least_128_conjectured_bits() {
    let config = HighSecurityConfig::build();
    let (_pk, vk) = setup(&config, MachineAir::all()).unwrap();
    for log_rows in [16, 20, LOG_SHARD_ROWS] {
        let report = security_report(&HIGH_SECURITY_PARAMS, &MachineShape::of(&vk, log_rows));
        println!("128-bit: {report}");
    }
    let report = security_report(&HIGH_SECURITY_PARAMS, &MachineShape::of(&vk, LOG_SHARD_ROWS));
    assert!(report.conjectured_bits >= 128.0, "{report}");
}
