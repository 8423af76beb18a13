//! Donju hire porter crews.
//!
//! - **When**: the first day of each month. Crews are disbanded; at a site where an event
//!   stops the porter channel that day nobody is hired for the month.
//! - **What**: each crew's size is drawn (mostly `crew_size_min`..=`crew_size_typical_max`,
//!   a `large_crew_share` of crews up to `crew_size_max`); members are drawn at random from
//!   the site's applicants who can carry at least `min_load_kg` (the donju do not take the
//!   others). When a site runs out of strong applicants, its remaining crews go short.
//!   Each site draws from its own stream, so what happens at one site leaves the others'
//!   draws alone.
//! - **Ledger**: none (pay is by weight, on each run).

use rand::RngExt;
use rand::seq::SliceRandom;

use crate::calendar::Day;
use crate::events::{EventChannel, Target};
use crate::params::{ModelParams, SiteId};
use crate::process::porters::load_kg as load_kg_of;
use crate::streams::Rng;
use crate::world::World;

/// Forms this month's crews.
pub fn run(world: &mut World, params: &ModelParams, rngs: &mut [Rng], day: Day) {
    let Some(porter) = &params.porter else {
        return;
    };
    world.porters.hired.fill(false);
    world.porters.hired_at_site.fill(0);
    for members in &mut world.crews.members {
        members.clear();
    }
    for loads in &mut world.crews.member_kg {
        loads.clear();
    }
    // The pay of the month's last day was spent that day: every purse is empty.
    for purses in &mut world.crews.member_cash {
        debug_assert!(purses.iter().all(|&c| c == crate::units::Fen::ZERO));
        purses.clear();
    }
    world.crews.load_kg.fill(0);
    let open: Vec<bool> = (0..rngs.len())
        .map(|s| {
            !world
                .calendar
                .conditions(EventChannel::Porter, Target::Site(SiteId(s as u16)), day)
                .stopped()
        })
        .collect();
    let crews = &mut world.crews;
    for (s, hireable) in crews.hireable_at_site.iter_mut().enumerate() {
        if open[s] {
            hireable.shuffle(&mut rngs[s]);
        }
    }
    let mut next_at_site = vec![0usize; crews.hireable_at_site.len()];
    for (crew, ((members, member_kg), member_cash)) in crews
        .members
        .iter_mut()
        .zip(&mut crews.member_kg)
        .zip(&mut crews.member_cash)
        .enumerate()
    {
        let site = crews.site[crew].0 as usize;
        if !open[site] {
            continue;
        }
        let rng = &mut rngs[site];
        let size = if rng.random_bool(porter.large_crew_share) {
            rng.random_range(porter.crew_size_typical_max..=porter.crew_size_max)
        } else {
            rng.random_range(porter.crew_size_min..=porter.crew_size_typical_max)
        } as usize;
        let hireable = &crews.hireable_at_site[site];
        let start = next_at_site[site];
        let end = (start + size).min(hireable.len());
        members.extend_from_slice(&hireable[start..end]);
        next_at_site[site] = end;
        let mut load_kg = 0;
        for &p in &hireable[start..end] {
            let porters = &mut world.porters;
            if !porters.hired[p as usize] {
                porters.hired[p as usize] = true;
                porters.hired_at_site[porters.site[p as usize].0 as usize] += 1;
            }
            let kg = load_kg_of(world.porters.strength_kg[p as usize], porter.max_load_kg);
            member_kg.push(kg);
            load_kg += u64::from(kg);
        }
        crews.load_kg[crew] = load_kg;
        member_cash.resize(members.len(), crate::units::Fen::ZERO);
    }
}
