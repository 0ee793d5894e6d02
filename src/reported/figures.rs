//! The published figures the historical scenarios are compared with: each with its period, what it
//! measures, how it bounds the truth, the imprecision it states (or half a unit of its last stated
//! digit when it states none), and its source. `docs/sources.md` lists them with their reliability.

use super::{Figure, Kind, Measure};

/// The reported figures, oldest period first.
pub const FIGURES: &[Figure] = &[
    Figure {
        from: (2023, 5, 12),
        to: (2023, 6, 24),
        measure: Measure::ProcessedPersons,
        value: 49_000.0,
        kind: Kind::AtLeast,
        tolerance: 0.0,
        source: "CBP news release, 30 June 2023: more than 49,000 presented at southwest border ports 12 May – 23 June 2023, https://cbp.gov/newsroom/national-media-release/cbp-one-appointments-increased-1450-day",
    },
    Figure {
        from: (2023, 11, 1),
        to: (2023, 12, 1),
        measure: Measure::ProcessedPersons,
        value: 43_000.0,
        kind: Kind::AtLeast,
        tolerance: 0.0,
        source: "CBP figure reported by Radio Televisión Martí, December 2023: more than 43,000 in November 2023 (copy: https://spamchronicles.com/in-november-more-than-20000-cuban-immigrants-arrived-in-the-united-states-in-2023-a-total-of-more-than-128000-people-arrived-radio-television-marti)",
    },
    Figure {
        from: (2024, 1, 1),
        to: (2024, 2, 1),
        measure: Measure::ProcessedPersons,
        value: 45_000.0,
        kind: Kind::About,
        tolerance: 500.0,
        source: "CBP statement, February 2024: about 45,000 in January 2024, 87 % of noncitizens processed at ports (copy: https://playcrazygame.com/the-legal-route-through-which-most-migrants-manage-to-enter-the-united-states-including-many-venezuelans/)",
    },
    Figure {
        from: (2024, 3, 1),
        to: (2024, 4, 1),
        measure: Measure::ProcessedPersons,
        value: 44_049.5,
        kind: Kind::About,
        tolerance: 49.5,
        source: "DHS official quoted by Cuba Herald, April 2024: \"44,0xx\" a month, i.e. 44,000 to 44,099, https://cubaherald.org/incremento-en-el-tiempo-de-espera-para-citas-de-cbp-one-confirma-funcionario-de-ee-uu",
    },
    Figure {
        from: (2024, 5, 1),
        to: (2024, 6, 1),
        measure: Measure::ProcessedPersons,
        value: 44_500.0,
        kind: Kind::AtLeast,
        tolerance: 0.0,
        source: "14ymedio, June 2024: more than 44,500 in May 2024 (via Translating Cuba: https://translatingcuba.com/cuban-migrants-will-be-able-to-get-their-us-cbp-one-appointment-in-two-more-mexican-states)",
    },
    Figure {
        from: (2024, 7, 1),
        to: (2024, 8, 1),
        measure: Measure::ProcessedPersons,
        value: 38_000.0,
        kind: Kind::AtLeast,
        tolerance: 0.0,
        source: "Coverage of the DHS Inspector General's report OIG-24-48, August 2024: more than 38,000 in July 2024, https://write2rule.com/cbps-migrant-app-faces-tech-glitches-security-flaws-report",
    },
    Figure {
        from: (2025, 1, 20),
        to: (2025, 1, 21),
        measure: Measure::CancelledPersons,
        value: 30_000.0,
        kind: Kind::About,
        tolerance: 5_000.0,
        source: "New York Times and Washington Post via Newser, 21 January 2025: about 30,000 held appointments when scheduling ended, https://static2-azrcdn.newser.com/story/362839/message-to-migrants-existing-appointments-are-no-longer-valid.html",
    },
    Figure {
        from: (2023, 9, 1),
        to: (2024, 1, 1),
        measure: Measure::ShareBookedWithin8Weeks,
        value: 2.0 / 3.0,
        kind: Kind::AtLeast,
        tolerance: 0.0,
        source: "DHS frequently asked questions, late 2023: more than two thirds get an appointment in under 8 weeks (copy: https://www.world-today-news.com/the-us-addresses-the-issue-of-waiting-time-to-obtain-an-appointment-at-cbp-one/)",
    },
    Figure {
        from: (2024, 4, 1),
        to: (2024, 5, 1),
        measure: Measure::MeanSelectionWait,
        value: 70.0,
        kind: Kind::About,
        tolerance: 3.5,
        source: "DHS official quoted by Cuba Herald, April 2024: the average wait is about 10 weeks (read as 9.5 to 10.5 weeks), https://cubaherald.org/incremento-en-el-tiempo-de-espera-para-citas-de-cbp-one-confirma-funcionario-de-ee-uu",
    },
    Figure {
        from: (2024, 8, 1),
        to: (2024, 9, 1),
        measure: Measure::P99SelectionWait,
        value: 270.0,
        kind: Kind::AtMost,
        tolerance: 54.0,
        source: "Strauss Center report via KJZZ, 3 September 2024: waits of up to 9 months, https://www.kjzz.org/fronteras-desk/2024-09-03/report-migrants-seeking-asylum-through-cbp-one-face-wait-times-of-up-to-9-months",
    },
];
