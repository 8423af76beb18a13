//! Parameters declared once. Each section of a scenario is a struct written with
//! [`param_set!`]: for every numeric field its TOML key (the field's name), its type, its
//! unit, the values it may take and a one-line doc. The scenario crate checks any section
//! from that declaration alone, and the evidence listing and the ODD tables are generated
//! from it, so adding a parameter is one line here, one line in the TOML and the code that
//! uses it.

/// Units the parameters are measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // each variant is documented by its `name`
pub enum Unit {
    Kg,
    CnyPerKg,
    CnyPerUsd,
    Porters,
    Crews,
    People,
    RunsPerMonth,
    Probability,
    Share,
    PerDay,
    LogSigma,
    KgEach,
    CnyEach,
    CnyPerLoad,
    LoadsPerNight,
    Level,
    Multiplier,
    Companies,
    Households,
    TripsPerMonth,
    KgPerTrip,
    Units,
    UnitsPerMonth,
    LogitScale,
    Ratio,
    UsdPerMonth,
    Embassies,
    KgPerYear,
    Grams,
    SalesPerMonth,
    Tonnes,
    Days,
    Hours,
    Ships,
    Cny,
    CnyPerDay,
    CnyPerTonne,
    PassesPerDay,
    HoursPerDay,
    PerHour,
    BarrelsPerYear,
    Months,
    PeoplePerMonth,
    KpwPerCny,
    KpwPerMonth,
    KgPerMonth,
}

impl Unit {
    /// The unit as scenario files and outputs write it.
    pub const fn name(self) -> &'static str {
        match self {
            Unit::Kg => "kg",
            Unit::CnyPerKg => "CNY/kg",
            Unit::CnyPerUsd => "CNY/USD",
            Unit::Porters => "porters",
            Unit::Crews => "crews",
            Unit::People => "people",
            Unit::RunsPerMonth => "runs/month",
            Unit::Probability => "probability",
            Unit::Share => "share",
            Unit::PerDay => "1/day",
            Unit::LogSigma => "log sigma",
            Unit::KgEach => "kg/unit",
            Unit::CnyEach => "CNY/unit",
            Unit::CnyPerLoad => "CNY/load",
            Unit::LoadsPerNight => "loads/night",
            Unit::Level => "level",
            Unit::Multiplier => "multiplier",
            Unit::Companies => "companies",
            Unit::Households => "households",
            Unit::TripsPerMonth => "trips/month",
            Unit::KgPerTrip => "kg/trip",
            Unit::Units => "units",
            Unit::UnitsPerMonth => "units/month",
            Unit::LogitScale => "1/margin",
            Unit::Ratio => "ratio",
            Unit::UsdPerMonth => "USD/month",
            Unit::Embassies => "embassies",
            Unit::KgPerYear => "kg/year",
            Unit::Grams => "g",
            Unit::SalesPerMonth => "sales/month",
            Unit::Tonnes => "t",
            Unit::Days => "days",
            Unit::Hours => "hours",
            Unit::Ships => "ships",
            Unit::Cny => "CNY",
            Unit::CnyPerDay => "CNY/day",
            Unit::CnyPerTonne => "CNY/t",
            Unit::PassesPerDay => "passes/day",
            Unit::HoursPerDay => "hours/day",
            Unit::PerHour => "1/hour",
            Unit::BarrelsPerYear => "barrels/year",
            Unit::Months => "months",
            Unit::PeoplePerMonth => "people/month",
            Unit::KpwPerCny => "KPW/CNY",
            Unit::KpwPerMonth => "KPW/month",
            Unit::KgPerMonth => "kg/month",
        }
    }
}

/// The values a parameter may take, inclusive.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// Smallest value (`f64::MIN_POSITIVE` for "greater than 0").
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

impl Bounds {
    /// Any value from `min` to `max`.
    pub const fn new(min: f64, max: f64) -> Bounds {
        Bounds { min, max }
    }
    /// The largest magnitude any uncounted quantity may take: far above any real figure
    /// (a trillion yuan), far below where sums over agents and days overflow to infinity.
    pub const LARGEST: f64 = 1e12;
    /// 0 or more (up to [`Bounds::LARGEST`]).
    pub const NON_NEGATIVE: Bounds = Bounds::new(0.0, Bounds::LARGEST);
    /// Greater than 0 (up to [`Bounds::LARGEST`]).
    pub const POSITIVE: Bounds = Bounds::new(f64::MIN_POSITIVE, Bounds::LARGEST);
    /// A share or a probability.
    pub const UNIT_INTERVAL: Bounds = Bounds::new(0.0, 1.0);
    /// An event rate per month (at most daily).
    pub const PER_MONTH: Bounds = Bounds::new(0.0, 28.0);

    /// A count from 0 to its declared maximum `max`: every count has one, so the work
    /// and memory a scenario asks for are bounded before anything is allocated.
    pub const fn count(max: u32) -> Bounds {
        Bounds::new(0.0, max as f64)
    }

    /// A count from 1 to its declared maximum `max`.
    pub const fn positive_count(max: u32) -> Bounds {
        Bounds::new(1.0, max as f64)
    }

    /// A description for error messages, e.g. `a whole number in [1, 500]`.
    pub fn describe(self, whole: bool) -> String {
        let kind = if whole { "a whole number" } else { "a number" };
        let max = if self.max >= 1e9 {
            format!("{:e}", self.max)
        } else {
            self.max.to_string()
        };
        if self.min == f64::MIN_POSITIVE {
            format!("{kind} in (0, {max}]")
        } else {
            format!("{kind} in [{}, {max}]", self.min)
        }
    }

    /// Whether a value is allowed.
    pub fn admits(self, value: f64, whole: bool) -> bool {
        value.is_finite()
            && value >= self.min
            && value <= self.max
            && (!whole || value.fract() == 0.0)
    }
}

/// One declared parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamSpec {
    /// Its TOML key within its section.
    pub key: &'static str,
    /// What it is measured in.
    pub unit: Unit,
    /// The values the model can use.
    pub bounds: Bounds,
    /// Whether it is a count.
    pub whole: bool,
    /// What it means, in one line.
    pub doc: &'static str,
}

/// A section of numeric parameters declared with [`param_set!`].
pub trait ParamSet: Sized {
    /// Its parameters, in declaration order.
    const SPECS: &'static [ParamSpec];
    /// Parameters that may not be below another, `(lower, higher)` by key: a model fact
    /// (a maximum is never below its minimum) every reader checks.
    const ORDER: &'static [(&'static str, &'static str)];
    /// Its fields built by hand (ids, lists, nested sections) as a tuple: `()` for a
    /// section of parameters only, which a reader can then build with no code of its own.
    type Refs;
    /// The section from its references and its parameters' checked values, in declaration
    /// order (its `from_values`).
    fn build(refs: Self::Refs, values: &[f64]) -> Self;
}

/// The Rust types a parameter may have.
pub trait ParamValue {
    /// Whether the type only holds whole numbers.
    const WHOLE: bool;
    /// The value from a number already checked against the parameter's bounds.
    fn from_checked(value: f64) -> Self;
}

impl ParamValue for f64 {
    const WHOLE: bool = false;
    fn from_checked(value: f64) -> f64 {
        value
    }
}

impl ParamValue for u32 {
    const WHOLE: bool = true;
    fn from_checked(value: f64) -> u32 {
        value as u32
    }
}

/// The declarations `own` then `nested`, as one array of `N` (their total): a section's
/// own parameters followed by those of the set nested in it (`nested:` in [`param_set!`]).
pub const fn joined<const N: usize>(own: &[ParamSpec], nested: &[ParamSpec]) -> [ParamSpec; N] {
    assert!(own.len() + nested.len() == N);
    let unset = ParamSpec {
        key: "",
        unit: Unit::Units,
        bounds: Bounds::NON_NEGATIVE,
        whole: false,
        doc: "",
    };
    let mut specs = [unset; N];
    let mut i = 0;
    while i < N {
        specs[i] = if i < own.len() {
            own[i]
        } else {
            nested[i - own.len()]
        };
        i += 1;
    }
    specs
}

/// Declares a section: a struct whose leading fields are references built by hand (ids,
/// lists, nested sections) and whose fields after `params:` are numeric parameters, each
/// `/// doc` then `key: type [Unit, bounds],`. After them, `nested:` then `/// doc` and
/// `field: Type,` embeds a set of parameters only, declared once with `param_set!` and
/// shared by several sections: its keys stand in the section's own table, after the
/// section's own, and need no code of their own to read. It implements [`ParamSet`] and a
/// constructor `from_values(references..., values)` taking the checked values in
/// declaration order.
#[macro_export]
macro_rules! param_set {
    (@nested) => {{ let none: &[$crate::declare::ParamSpec] = &[]; none }};
    (@nested $nested_ty:ty) => { <$nested_ty as $crate::declare::ParamSet>::SPECS };
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[doc = $ref_doc:literal])* pub $ref_field:ident : $ref_ty:ty, )*
            params:
            $(
                #[doc = $doc:literal]
                $field:ident : $ty:ty [$unit:ident, $bounds:expr $(, at_least $lower:ident)?],
            )*
            $(
                nested:
                #[doc = $nested_doc:literal]
                $nested:ident : $nested_ty:ty,
            )?
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $( $(#[doc = $ref_doc])* pub $ref_field: $ref_ty, )*
            $( #[doc = $doc] pub $field: $ty, )*
            $( #[doc = $nested_doc] pub $nested: $nested_ty, )?
        }

        impl $crate::declare::ParamSet for $name {
            const SPECS: &'static [$crate::declare::ParamSpec] = &$crate::declare::joined::<
                { $name::OWN_SPECS.len() + $crate::param_set!(@nested $($nested_ty)?).len() },
            >($name::OWN_SPECS, $crate::param_set!(@nested $($nested_ty)?));

            const ORDER: &'static [(&'static str, &'static str)] =
                &[$($( (stringify!($lower), stringify!($field)), )?)*];

            type Refs = ($( $ref_ty, )*);

            fn build(($( $ref_field, )*): Self::Refs, values: &[f64]) -> $name {
                $name::from_values($( $ref_field, )* values)
            }
        }

        // An ordering names a field of the section: a misspelt one does not compile.
        const _: fn(&$name) = |_section| { $($( let _ = &_section.$lower; )?)* };

        // A nested set is read from the section's table, so an ordering between its
        // parameters would be checked nowhere: it may declare none.
        $( const _: () = assert!(<$nested_ty as $crate::declare::ParamSet>::ORDER.is_empty()); )?

        impl $name {
            /// The section's own parameters, without a nested set's.
            const OWN_SPECS: &'static [$crate::declare::ParamSpec] = &[$(
                $crate::declare::ParamSpec {
                    key: stringify!($field),
                    unit: $crate::declare::Unit::$unit,
                    bounds: $bounds,
                    whole: <$ty as $crate::declare::ParamValue>::WHOLE,
                    doc: $doc.trim_ascii(),
                },
            )*];

            /// Builds the section from its references and its parameters' checked values,
            /// in declaration order.
            #[allow(clippy::too_many_arguments)]
            pub fn from_values($( $ref_field: $ref_ty, )* values: &[f64]) -> $name {
                let mut own = values.iter().copied();
                $name {
                    $( $ref_field, )*
                    $( $field: <$ty as $crate::declare::ParamValue>::from_checked(
                        own.next().unwrap_or_default()
                    ), )*
                    $( $nested: <$nested_ty as $crate::declare::ParamSet>::build(
                        (),
                        values.get($name::OWN_SPECS.len()..).unwrap_or_default(),
                    ), )?
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    param_set! {
        /// A section for the test.
        #[derive(Debug, PartialEq)]
        pub struct Example {
            /// A reference.
            pub site: u16,
            params:
            /// A count.
            crews: u32 [Crews, Bounds::new(0.0, 100.0)],
            /// A share.
            share: f64 [Share, Bounds::UNIT_INTERVAL],
        }
    }

    #[test]
    fn a_declaration_gives_keys_units_bounds_and_docs_in_order() {
        let specs = Example::SPECS;
        assert_eq!(specs.len(), 2);
        assert_eq!((specs[0].key, specs[0].unit.name()), ("crews", "crews"));
        assert!(specs[0].whole && !specs[1].whole);
        assert_eq!(specs[1].doc, "A share.");
        let built = Example {
            site: 3,
            crews: 12,
            share: 0.5,
        };
        assert_eq!(Example::from_values(3, &[12.0, 0.5]), built);
        assert_eq!(Example::build((3,), &[12.0, 0.5]), built);
    }

    param_set! {
        /// A set nested in the next.
        #[derive(Debug, PartialEq)]
        pub struct Inner {
            params:
            /// A mass.
            mass_kg: f64 [Kg, Bounds::NON_NEGATIVE],
        }
    }

    param_set! {
        /// A section with a nested set.
        #[derive(Debug, PartialEq)]
        pub struct Outer {
            /// A reference.
            pub site: u16,
            params:
            /// A count.
            crews: u32 [Crews, Bounds::new(0.0, 100.0)],
            nested:
            /// The nested set.
            inner: Inner,
        }
    }

    #[test]
    fn a_nested_set_is_declared_after_the_sections_own_parameters_and_built_from_their_values() {
        let keys: Vec<&str> = Outer::SPECS.iter().map(|s| s.key).collect();
        assert_eq!(keys, ["crews", "mass_kg"]);
        assert_eq!(Outer::SPECS[1], Inner::SPECS[0]);
        let built = Outer {
            site: 3,
            crews: 12,
            inner: Inner { mass_kg: 2.5 },
        };
        assert_eq!(Outer::build((3,), &[12.0, 2.5]), built);
    }

    #[test]
    fn bounds_describe_what_they_admit() {
        assert_eq!(Bounds::POSITIVE.describe(false), "a number in (0, 1e12]");
        assert_eq!(
            Bounds::count(200).describe(true),
            "a whole number in [0, 200]"
        );
        assert_eq!(
            Bounds::new(1.0, 500.0).describe(true),
            "a whole number in [1, 500]"
        );
        assert!(!Bounds::new(1.0, 500.0).admits(2.5, true));
        assert!(!Bounds::NON_NEGATIVE.admits(f64::NAN, false));
    }
}
