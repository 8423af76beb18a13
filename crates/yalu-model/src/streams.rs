//! Random streams. Each replicate has its own generators, one per process, derived from
//! (seed, replicate, stream): adding a process or a replicate never shifts the numbers any
//! other one draws, and no global or thread-local generator is ever used.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The generator every process draws from.
pub type Rng = ChaCha8Rng;

/// The independent streams of one replicate, one per process that draws random numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Stream {
    /// Drawing the initial population.
    Population = 1,
    /// Donju hiring porters into crews.
    Hiring = 2,
    /// Porter crossings: run days, goods, prices, seizures.
    Porters = 3,
    /// Market prices.
    Market = 4,
    /// Chinese border enforcement.
    Enforcement = 5,
    /// Trading companies' planning, choices and seizures.
    StateTrade = 6,
    /// Households' livelihood trips.
    Livelihood = 7,
    /// Cash couriers: bags sent and seized.
    Couriers = 8,
    /// Ships at sea: choices, prices, detections and interdictions.
    Maritime = 9,
    /// Embassies' contraband earnings.
    Diplomats = 10,
    /// State drug sales and seizures.
    Drugs = 11,
}

/// The generator for one (seed, replicate, stream).
pub fn stream(seed: u64, replicate: u32, stream: Stream) -> Rng {
    let mut key = [0u8; 32];
    let mut state = seed ^ (u64::from(replicate)).rotate_left(32);
    for chunk in key.chunks_exact_mut(8) {
        chunk.copy_from_slice(&splitmix64(&mut state).to_le_bytes());
    }
    let mut rng = ChaCha8Rng::from_seed(key);
    rng.set_stream(stream as u64);
    rng
}

/// One generator per site for a process whose sites do not interact (porters, households):
/// an event at one site then leaves every other site's draws as they were.
pub fn per_site(seed: u64, replicate: u32, process: Stream, sites: usize) -> Vec<Rng> {
    (0..sites)
        .map(|s| {
            let mut rng = stream(seed, replicate, process);
            rng.set_stream(process as u64 | ((s as u64 + 1) << 32));
            rng
        })
        .collect()
}

/// SplitMix64 (Steele, Lea and Flood 2014): spreads nearby seeds across the key space.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// All the streams one replicate uses.
#[derive(Clone, Debug)]
pub struct Streams {
    /// For [`Stream::Population`].
    pub population: Rng,
    /// For [`Stream::Hiring`].
    pub hiring: Vec<Rng>,
    /// For [`Stream::Porters`].
    pub porters: Vec<Rng>,
    /// For [`Stream::Market`].
    pub market: Rng,
    /// For [`Stream::Enforcement`].
    pub enforcement: Rng,
    /// For [`Stream::StateTrade`].
    pub state_trade: Rng,
    /// For [`Stream::Livelihood`].
    pub livelihood: Vec<Rng>,
    /// For [`Stream::Couriers`].
    pub couriers: Rng,
    /// For [`Stream::Diplomats`].
    pub diplomats: Rng,
    /// For [`Stream::Drugs`].
    pub drugs: Rng,
    /// For [`Stream::Maritime`].
    pub maritime: Rng,
}

impl Streams {
    /// The streams of replicate `replicate` under master seed `seed`.
    pub fn new(seed: u64, replicate: u32, sites: usize) -> Streams {
        Streams {
            population: stream(seed, replicate, Stream::Population),
            hiring: per_site(seed, replicate, Stream::Hiring, sites),
            porters: per_site(seed, replicate, Stream::Porters, sites),
            market: stream(seed, replicate, Stream::Market),
            enforcement: stream(seed, replicate, Stream::Enforcement),
            state_trade: stream(seed, replicate, Stream::StateTrade),
            livelihood: per_site(seed, replicate, Stream::Livelihood, sites),
            couriers: stream(seed, replicate, Stream::Couriers),
            diplomats: stream(seed, replicate, Stream::Diplomats),
            drugs: stream(seed, replicate, Stream::Drugs),
            maritime: stream(seed, replicate, Stream::Maritime),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    fn first_draws(mut rng: Rng) -> [u64; 4] {
        std::array::from_fn(|_| rng.random())
    }

    #[test]
    fn same_inputs_same_stream() {
        assert_eq!(
            first_draws(stream(7, 3, Stream::Porters)),
            first_draws(stream(7, 3, Stream::Porters))
        );
    }

    #[test]
    fn seed_replicate_and_stream_each_change_the_numbers() {
        let base = first_draws(stream(7, 3, Stream::Porters));
        assert_ne!(base, first_draws(stream(8, 3, Stream::Porters)));
        assert_ne!(base, first_draws(stream(7, 4, Stream::Porters)));
        assert_ne!(base, first_draws(stream(7, 3, Stream::Market)));
    }
}
