//! How long counting a large budget round takes (part of `cargo xtask
//! bench`): 10,000 ballots over 50 projects, each approving 3 to 12 of
//! them, counted greedily and by the Method of Equal Shares (with its
//! `add1` completion). Prints `greedy_ms`, `equal_shares_ms` and how many
//! projects each funds.

use std::time::Instant;

use tongxin_core::budget::count::{self, Candidate, Profile};

fn main() {
    const PROJECTS: usize = 50;
    const BALLOTS: usize = 10_000;
    // Costs from ¥20,000 to ¥300,000 (fen), a fund of ¥2,000,000.
    let candidates: Vec<Candidate> = (0..PROJECTS)
        .map(|i| Candidate {
            cost_fen: (20_000 + (i as i64 * 7_919) % 280_000) * 100,
        })
        .collect();
    let fund = 2_000_000 * 100;
    let mut profile = Profile::new();
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..BALLOTS {
        let mut set = Vec::new();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let k = 3 + (x % 10) as usize;
        for j in 0..k {
            // Popular projects come up more often (a skewed preference).
            let p = ((x >> (j * 5)) % 64) as usize % PROJECTS;
            let p = (p * p) % PROJECTS;
            if !set.contains(&p) {
                set.push(p);
            }
        }
        set.sort_unstable();
        *profile.entry(set).or_default() += 1;
    }
    let start = Instant::now();
    let greedy = count::greedy(&candidates, &profile, fund);
    let greedy_ms = start.elapsed().as_secs_f64() * 1000.0;
    let start = Instant::now();
    let mes = count::equal_shares(&candidates, &profile, fund);
    let mes_ms = start.elapsed().as_secs_f64() * 1000.0;
    println!(
        "budget_ballots {BALLOTS}\nbudget_projects {PROJECTS}\ndistinct_ballots {}",
        profile.len()
    );
    println!(
        "greedy_ms {greedy_ms:.2}\ngreedy_funded {}",
        greedy.funded.len()
    );
    println!(
        "equal_shares_ms {mes_ms:.2}\nequal_shares_funded {}",
        mes.funded.len()
    );
}
