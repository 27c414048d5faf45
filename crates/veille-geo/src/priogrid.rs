//! PRIO-GRID 0.5° cells: row = ⌊(lat+90)·2⌋+1, col = ⌊(lon+180)·2⌋+1,
//! gid = (row−1)·720 + col.

/// The PRIO-GRID cell id of a point, or `None` if the coordinates are out of range or not
/// finite. Points on the north pole / antimeridian fall in the last row / column.
pub fn priogrid_gid(lat: f64, lon: f64) -> Option<u32> {
    if !lat.is_finite() || !lon.is_finite() {
        return None;
    }
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return None;
    }
    let row = (((lat + 90.0) * 2.0).floor() as u32 + 1).min(360);
    let col = (((lon + 180.0) * 2.0).floor() as u32 + 1).min(720);
    Some((row - 1) * 720 + col)
}

/// The centroid (lat, lon) of a PRIO-GRID cell, or `None` for an id outside 1..=259200.
pub fn priogrid_centroid(gid: u32) -> Option<(f64, f64)> {
    if !(1..=259_200).contains(&gid) {
        return None;
    }
    let row = (gid - 1) / 720 + 1;
    let col = (gid - 1) % 720 + 1;
    Some((
        -90.0 + (f64::from(row) - 0.5) / 2.0,
        -180.0 + (f64::from(col) - 0.5) / 2.0,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_test_values() {
        // DOMAIN.md §3, with the cities' real coordinates (GeoNames ML.txt).
        // Bamako (12.6392 N, 8.0029 W). GeoNames rounds it to (12.65, -8.0), which sits
        // exactly on a cell edge and falls in the next cell, 147945.
        assert_eq!(priogrid_gid(12.6392, -8.0029), Some(147944));
        assert_eq!(priogrid_gid(12.65, -8.0), Some(147945));
        assert_eq!(priogrid_gid(14.4843, -4.18296), Some(150112)); // Mopti
        assert_eq!(priogrid_gid(16.77348, -3.00742), Some(153714)); // Timbuktu
        assert_eq!(priogrid_gid(16.27167, -0.04472), Some(153000)); // Gao
        assert_eq!(priogrid_gid(18.44111, 1.40778), Some(155883)); // Kidal
        assert_eq!(priogrid_gid(15.91821, 2.40217), Some(152285)); // Ménaka
        assert_eq!(priogrid_gid(10.51, 2.29), Some(145085));
    }

    #[test]
    fn centroid_round_trips() {
        let gid = priogrid_gid(10.51, 2.29).unwrap();
        let (lat, lon) = priogrid_centroid(gid).unwrap();
        assert_eq!((lat, lon), (10.75, 2.25));
        assert_eq!(priogrid_gid(lat, lon), Some(gid));
        assert_eq!(priogrid_centroid(1), Some((-89.75, -179.75)));
        assert_eq!(priogrid_centroid(0), None);
        assert_eq!(priogrid_centroid(259_201), None);
    }

    #[test]
    fn edges_and_bad_input() {
        assert_eq!(priogrid_gid(90.0, 180.0), Some(259_200));
        assert_eq!(priogrid_gid(-90.0, -180.0), Some(1));
        assert_eq!(priogrid_gid(90.5, 0.0), None);
        assert_eq!(priogrid_gid(f64::NAN, 0.0), None);
    }
}
