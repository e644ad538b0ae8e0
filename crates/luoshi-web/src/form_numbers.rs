//! The numbers of a settings form, each named by its label when it is not one.

/// Every `(label, text)` read as a finite number, in order; or the first that is not, in words
/// (`黄色督办扣分「两」不是数字`).
pub fn numbers(fields: &[(&str, &String)]) -> Result<Vec<f64>, String> {
    fields
        .iter()
        .map(|(label, text)| match text.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(n),
            _ => Err(format!("{label}「{}」不是数字", text.trim())),
        })
        .collect()
}

/// Every `(label, text)` read as a whole number of at least 0; or the first that is not.
pub fn counts(fields: &[(&str, &String)]) -> Result<Vec<u32>, String> {
    fields
        .iter()
        .map(|(label, text)| {
            text.trim()
                .parse::<u32>()
                .map_err(|_| format!("{label}「{}」应为整数", text.trim()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_field_that_is_not_a_number_is_named() {
        let (one, two, bad) = ("1".to_string(), " 2.5 ".to_string(), "两".to_string());
        assert_eq!(numbers(&[("甲", &one), ("乙", &two)]), Ok(vec![1.0, 2.5]));
        assert_eq!(
            numbers(&[("甲", &one), ("乙", &bad)]),
            Err("乙「两」不是数字".into())
        );
        assert_eq!(counts(&[("甲", &one)]), Ok(vec![1]));
        assert_eq!(counts(&[("乙", &two)]), Err("乙「2.5」应为整数".into()));
        let inf = "inf".to_string();
        assert!(numbers(&[("丙", &inf)]).is_err());
    }
}
