//! Country codes: Gleditsch–Ward (UCDP `country_id`, `gwnoa`), ISO 3166-1 numeric (ACLED
//! `iso`), ISO 3166-1 alpha-3 (veille) and English names with the spellings ACLED and
//! UCDP use.
//!
//! One table, [`COUNTRIES`], holds every mapping; the look-up functions below read it.

/// One country: ISO3, ISO numeric, name, Gleditsch–Ward code (0 when it has none) and
/// alternative names (`|`-separated, as ACLED or UCDP write them).
#[derive(Debug, Clone, Copy)]
pub struct Country {
    /// ISO 3166-1 alpha-3, e.g. "MLI".
    pub iso3: &'static str,
    /// ISO 3166-1 numeric, e.g. 466.
    pub numeric: u16,
    /// English short name, e.g. "Mali".
    pub name: &'static str,
    /// Gleditsch–Ward code, e.g. 432; 0 when the territory has none.
    pub gw: u16,
    /// Other spellings, `|`-separated.
    pub aliases: &'static str,
}

const fn c(
    iso3: &'static str,
    numeric: u16,
    name: &'static str,
    gw: u16,
    aliases: &'static str,
) -> Country {
    Country {
        iso3,
        numeric,
        name,
        gw,
        aliases,
    }
}

/// The country table: all of Africa, the Americas, Europe, the Middle East, Asia and
/// Oceania states in the Gleditsch–Ward system, plus African territories ACLED codes.
pub const COUNTRIES: &[Country] = &[
    // Africa
    c("MLI", 466, "Mali", 432, ""),
    c("SEN", 686, "Senegal", 433, ""),
    c("BEN", 204, "Benin", 434, "Dahomey"),
    c("MRT", 478, "Mauritania", 435, ""),
    c("NER", 562, "Niger", 436, ""),
    c(
        "CIV",
        384,
        "Ivory Coast",
        437,
        "Côte d'Ivoire|Cote d'Ivoire|Cote dIvoire",
    ),
    c("GIN", 324, "Guinea", 438, ""),
    c("BFA", 854, "Burkina Faso", 439, "Upper Volta"),
    c("LBR", 430, "Liberia", 450, ""),
    c("SLE", 694, "Sierra Leone", 451, ""),
    c("GHA", 288, "Ghana", 452, ""),
    c("TGO", 768, "Togo", 461, ""),
    c("CMR", 120, "Cameroon", 471, ""),
    c("NGA", 566, "Nigeria", 475, ""),
    c("GAB", 266, "Gabon", 481, ""),
    c("CAF", 140, "Central African Republic", 482, "CAR"),
    c("TCD", 148, "Chad", 483, ""),
    c(
        "COG",
        178,
        "Republic of Congo",
        484,
        "Congo|Congo-Brazzaville|Republic of the Congo",
    ),
    c(
        "COD",
        180,
        "Democratic Republic of Congo",
        490,
        "DR Congo (Zaire)|DR Congo|Democratic Republic of the Congo|DRC|Zaire|Congo-Kinshasa",
    ),
    c("UGA", 800, "Uganda", 500, ""),
    c("KEN", 404, "Kenya", 501, ""),
    c("TZA", 834, "Tanzania", 510, "United Republic of Tanzania"),
    c("BDI", 108, "Burundi", 516, ""),
    c("RWA", 646, "Rwanda", 517, ""),
    c("SOM", 706, "Somalia", 520, ""),
    c("DJI", 262, "Djibouti", 522, ""),
    c("ETH", 231, "Ethiopia", 530, ""),
    c("ERI", 232, "Eritrea", 531, ""),
    c("AGO", 24, "Angola", 540, ""),
    c("MOZ", 508, "Mozambique", 541, ""),
    c("ZMB", 894, "Zambia", 551, ""),
    c("ZWE", 716, "Zimbabwe", 552, "Rhodesia"),
    c("MWI", 454, "Malawi", 553, ""),
    c("ZAF", 710, "South Africa", 560, ""),
    c("NAM", 516, "Namibia", 565, ""),
    c("LSO", 426, "Lesotho", 570, ""),
    c("BWA", 72, "Botswana", 571, ""),
    c(
        "SWZ",
        748,
        "eSwatini",
        572,
        "Kingdom of eSwatini (Swaziland)|Eswatini|Swaziland",
    ),
    c("MDG", 450, "Madagascar", 580, ""),
    c("COM", 174, "Comoros", 581, ""),
    c("MUS", 480, "Mauritius", 590, ""),
    c("SYC", 690, "Seychelles", 591, ""),
    c("MAR", 504, "Morocco", 600, ""),
    c("DZA", 12, "Algeria", 615, ""),
    c("TUN", 788, "Tunisia", 616, ""),
    c("LBY", 434, "Libya", 620, ""),
    c("SDN", 729, "Sudan", 625, ""),
    c("SSD", 728, "South Sudan", 626, ""),
    c("EGY", 818, "Egypt", 651, ""),
    c("CPV", 132, "Cape Verde", 402, "Cabo Verde"),
    c(
        "STP",
        678,
        "Sao Tome and Principe",
        403,
        "São Tomé and Príncipe",
    ),
    c("GNB", 624, "Guinea-Bissau", 404, "Guinea Bissau"),
    c("GNQ", 226, "Equatorial Guinea", 411, ""),
    c("GMB", 270, "Gambia", 420, "The Gambia"),
    c("ESH", 732, "Western Sahara", 0, ""),
    c("REU", 638, "Reunion", 0, "Réunion"),
    c("MYT", 175, "Mayotte", 0, ""),
    c(
        "SHN",
        654,
        "Saint Helena, Ascension and Tristan da Cunha",
        0,
        "Saint Helena",
    ),
    // Americas
    c(
        "USA",
        840,
        "United States",
        2,
        "United States of America|USA",
    ),
    c("CAN", 124, "Canada", 20, ""),
    c("BHS", 44, "Bahamas", 31, ""),
    c("CUB", 192, "Cuba", 40, ""),
    c("HTI", 332, "Haiti", 41, ""),
    c("DOM", 214, "Dominican Republic", 42, ""),
    c("JAM", 388, "Jamaica", 51, ""),
    c("TTO", 780, "Trinidad and Tobago", 52, ""),
    c("BRB", 52, "Barbados", 53, ""),
    c("MEX", 484, "Mexico", 70, ""),
    c("BLZ", 84, "Belize", 80, ""),
    c("GTM", 320, "Guatemala", 90, ""),
    c("HND", 340, "Honduras", 91, ""),
    c("SLV", 222, "El Salvador", 92, ""),
    c("NIC", 558, "Nicaragua", 93, ""),
    c("CRI", 188, "Costa Rica", 94, ""),
    c("PAN", 591, "Panama", 95, ""),
    c("COL", 170, "Colombia", 100, ""),
    c("VEN", 862, "Venezuela", 101, ""),
    c("GUY", 328, "Guyana", 110, ""),
    c("SUR", 740, "Suriname", 115, ""),
    c("ECU", 218, "Ecuador", 130, ""),
    c("PER", 604, "Peru", 135, ""),
    c("BRA", 76, "Brazil", 140, ""),
    c("BOL", 68, "Bolivia", 145, ""),
    c("PRY", 600, "Paraguay", 150, ""),
    c("CHL", 152, "Chile", 155, ""),
    c("ARG", 32, "Argentina", 160, ""),
    c("URY", 858, "Uruguay", 165, ""),
    // Europe
    c("GBR", 826, "United Kingdom", 200, "UK"),
    c("IRL", 372, "Ireland", 205, ""),
    c("NLD", 528, "Netherlands", 210, ""),
    c("BEL", 56, "Belgium", 211, ""),
    c("LUX", 442, "Luxembourg", 212, ""),
    c("FRA", 250, "France", 220, ""),
    c("CHE", 756, "Switzerland", 225, ""),
    c("ESP", 724, "Spain", 230, ""),
    c("PRT", 620, "Portugal", 235, ""),
    c(
        "DEU",
        276,
        "Germany",
        260,
        "German Federal Republic|West Germany",
    ),
    c("POL", 616, "Poland", 290, ""),
    c("AUT", 40, "Austria", 305, ""),
    c("HUN", 348, "Hungary", 310, ""),
    c("CZE", 203, "Czech Republic", 316, "Czechia|Czechoslovakia"),
    c("SVK", 703, "Slovakia", 317, ""),
    c("ITA", 380, "Italy", 325, ""),
    c("MLT", 470, "Malta", 338, ""),
    c("ALB", 8, "Albania", 339, ""),
    c("MNE", 499, "Montenegro", 341, ""),
    c(
        "MKD",
        807,
        "North Macedonia",
        343,
        "Macedonia, FYR|Macedonia",
    ),
    c("HRV", 191, "Croatia", 344, ""),
    c("SRB", 688, "Serbia", 345, "Serbia (Yugoslavia)|Yugoslavia"),
    c(
        "BIH",
        70,
        "Bosnia and Herzegovina",
        346,
        "Bosnia-Herzegovina",
    ),
    c("XKX", 0, "Kosovo", 347, ""),
    c("SVN", 705, "Slovenia", 349, ""),
    c("GRC", 300, "Greece", 350, ""),
    c("CYP", 196, "Cyprus", 352, ""),
    c("BGR", 100, "Bulgaria", 355, ""),
    c("MDA", 498, "Moldova", 359, ""),
    c("ROU", 642, "Romania", 360, "Rumania"),
    c(
        "RUS",
        643,
        "Russia",
        365,
        "Russia (Soviet Union)|Russian Federation|Soviet Union",
    ),
    c("EST", 233, "Estonia", 366, ""),
    c("LVA", 428, "Latvia", 367, ""),
    c("LTU", 440, "Lithuania", 368, ""),
    c("UKR", 804, "Ukraine", 369, ""),
    c("BLR", 112, "Belarus", 370, ""),
    c("ARM", 51, "Armenia", 371, ""),
    c("GEO", 268, "Georgia", 372, ""),
    c("AZE", 31, "Azerbaijan", 373, ""),
    c("FIN", 246, "Finland", 375, ""),
    c("SWE", 752, "Sweden", 380, ""),
    c("NOR", 578, "Norway", 385, ""),
    c("DNK", 208, "Denmark", 390, ""),
    c("ISL", 352, "Iceland", 395, ""),
    // Middle East
    c("IRN", 364, "Iran", 630, ""),
    c("TUR", 792, "Turkey", 640, "Türkiye"),
    c("IRQ", 368, "Iraq", 645, ""),
    c("SYR", 760, "Syria", 652, ""),
    c("LBN", 422, "Lebanon", 660, ""),
    c("JOR", 400, "Jordan", 663, ""),
    c("ISR", 376, "Israel", 666, ""),
    c("PSE", 275, "Palestine", 0, ""),
    c("SAU", 682, "Saudi Arabia", 670, ""),
    c("YEM", 887, "Yemen", 678, "Yemen (North Yemen)|North Yemen"),
    c("KWT", 414, "Kuwait", 690, ""),
    c("BHR", 48, "Bahrain", 692, ""),
    c("QAT", 634, "Qatar", 694, ""),
    c("ARE", 784, "United Arab Emirates", 696, ""),
    c("OMN", 512, "Oman", 698, ""),
    // Asia
    c("AFG", 4, "Afghanistan", 700, ""),
    c("TKM", 795, "Turkmenistan", 701, ""),
    c("TJK", 762, "Tajikistan", 702, ""),
    c("KGZ", 417, "Kyrgyzstan", 703, ""),
    c("UZB", 860, "Uzbekistan", 704, ""),
    c("KAZ", 398, "Kazakhstan", 705, ""),
    c("CHN", 156, "China", 710, ""),
    c("MNG", 496, "Mongolia", 712, ""),
    c("TWN", 158, "Taiwan", 713, ""),
    c("PRK", 408, "North Korea", 731, ""),
    c("KOR", 410, "South Korea", 732, ""),
    c("JPN", 392, "Japan", 740, ""),
    c("IND", 356, "India", 750, ""),
    c("BTN", 64, "Bhutan", 760, ""),
    c("PAK", 586, "Pakistan", 770, ""),
    c("BGD", 50, "Bangladesh", 771, ""),
    c("MMR", 104, "Myanmar", 775, "Myanmar (Burma)|Burma"),
    c("LKA", 144, "Sri Lanka", 780, ""),
    c("MDV", 462, "Maldives", 781, ""),
    c("NPL", 524, "Nepal", 790, ""),
    c("THA", 764, "Thailand", 800, ""),
    c(
        "KHM",
        116,
        "Cambodia",
        811,
        "Cambodia (Kampuchea)|Kampuchea",
    ),
    c("LAO", 418, "Laos", 812, ""),
    c("VNM", 704, "Vietnam", 816, "Vietnam (North Vietnam)"),
    c("MYS", 458, "Malaysia", 820, ""),
    c("SGP", 702, "Singapore", 830, ""),
    c("BRN", 96, "Brunei", 835, ""),
    c("PHL", 608, "Philippines", 840, ""),
    c("IDN", 360, "Indonesia", 850, ""),
    c("TLS", 626, "East Timor", 860, "Timor-Leste"),
    // Oceania
    c("AUS", 36, "Australia", 900, ""),
    c("PNG", 598, "Papua New Guinea", 910, ""),
    c("NZL", 554, "New Zealand", 920, ""),
    c("SLB", 90, "Solomon Islands", 940, ""),
    c("FJI", 242, "Fiji", 950, ""),
];

fn fold(s: &str) -> String {
    s.trim().to_lowercase()
}

/// ISO3 of a Gleditsch–Ward code, e.g. 432 → "MLI".
pub fn iso3_from_gw(gw: u16) -> Option<&'static str> {
    COUNTRIES
        .iter()
        .find(|c| c.gw == gw && gw != 0)
        .map(|c| c.iso3)
}

/// ISO3 of an ISO 3166-1 numeric code, e.g. 466 → "MLI".
pub fn iso3_from_numeric(n: u16) -> Option<&'static str> {
    COUNTRIES
        .iter()
        .find(|c| c.numeric == n && n != 0)
        .map(|c| c.iso3)
}

/// ISO3 of a country name or alias (case-insensitive), or of an ISO3 code itself.
pub fn iso3_from_name(name: &str) -> Option<&'static str> {
    let f = fold(name);
    COUNTRIES
        .iter()
        .find(|c| {
            fold(c.name) == f
                || fold(c.iso3) == f
                || (!c.aliases.is_empty() && c.aliases.split('|').any(|a| fold(a) == f))
        })
        .map(|c| c.iso3)
}

/// The table entry of an ISO3 code.
pub fn by_iso3(iso3: &str) -> Option<&'static Country> {
    COUNTRIES.iter().find(|c| c.iso3.eq_ignore_ascii_case(iso3))
}

/// The ACLED region of a country, for ACLED-shaped exports (Africa only is detailed).
pub fn acled_region(iso3: &str) -> &'static str {
    match iso3 {
        "MLI" | "SEN" | "BEN" | "MRT" | "NER" | "CIV" | "GIN" | "BFA" | "LBR" | "SLE" | "GHA"
        | "TGO" | "NGA" | "CPV" | "GNB" | "GMB" | "SHN" => "Western Africa",
        "CMR" | "GAB" | "CAF" | "TCD" | "COG" | "COD" | "GNQ" | "STP" | "AGO" => "Middle Africa",
        "UGA" | "KEN" | "TZA" | "BDI" | "RWA" | "SOM" | "DJI" | "ETH" | "ERI" | "MOZ" | "ZMB"
        | "ZWE" | "MWI" | "MDG" | "COM" | "MUS" | "SYC" | "SSD" | "REU" | "MYT" => "Eastern Africa",
        "ZAF" | "NAM" | "LSO" | "BWA" | "SWZ" => "Southern Africa",
        "MAR" | "DZA" | "TUN" | "LBY" | "SDN" | "EGY" | "ESH" => "Northern Africa",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique() {
        let mut gw: Vec<u16> = COUNTRIES.iter().map(|c| c.gw).filter(|g| *g != 0).collect();
        let n = gw.len();
        gw.sort();
        gw.dedup();
        assert_eq!(gw.len(), n);
        let mut iso: Vec<&str> = COUNTRIES.iter().map(|c| c.iso3).collect();
        iso.sort();
        iso.dedup();
        assert_eq!(iso.len(), COUNTRIES.len());
        let mut num: Vec<u16> = COUNTRIES
            .iter()
            .map(|c| c.numeric)
            .filter(|g| *g != 0)
            .collect();
        let n = num.len();
        num.sort();
        num.dedup();
        assert_eq!(num.len(), n);
    }

    #[test]
    fn lookups() {
        assert_eq!(iso3_from_gw(432), Some("MLI"));
        assert_eq!(iso3_from_numeric(466), Some("MLI"));
        assert_eq!(iso3_from_name("Democratic Republic of Congo"), Some("COD"));
        assert_eq!(iso3_from_name("ivory coast"), Some("CIV"));
        assert_eq!(iso3_from_gw(9999), None);
    }
}
