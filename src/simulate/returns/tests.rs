use super::*;

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

fn three_and_retention() -> Returns {
    Returns {
        sessions: 3,
        schedule_ms: vec![0, DAY_MS, 7 * DAY_MS],
        retention_ms: Some(14 * DAY_MS),
        ..Returns::default()
    }
}

#[test]
fn scheduled_trials_follow_the_power_law_and_the_retention_trial_forgets_a_little() {
    let returning = Returning {
        dropout: 0.0,
        learning_rate: 0.3,
    };
    let returns = three_and_retention();
    let cases = [
        (1, 1.0),
        (2, 2f64.powf(-0.3)),
        (3, 3f64.powf(-0.3)),
        (4, 3f64.powf(-0.3) * FORGETTING),
    ];
    for (trial, expected) in cases {
        let pace = returning.pace(&returns, trial);
        assert!((pace - expected).abs() < 1e-12, "trial {trial}: {pace}");
    }
}

#[test]
fn a_retention_trial_right_after_the_first_is_the_first_pace_times_forgetting() {
    let returns = Returns {
        retention_ms: Some(DAY_MS),
        ..Returns::default()
    };
    let pace = Returning::default().pace(&returns, 2);
    assert!((pace - FORGETTING).abs() < 1e-12, "{pace}");
}
