using LeaderJourney.Domain.Succession;

namespace LeaderJourney.Domain.Tests.Succession;

public sealed class RiskTests
{
    private static readonly DateOnly AsOf = new(2025, 4, 9);

    // Term end given as a date, or "none"; readyNow counts effective ready-now candidates.
    [Theory]
    // Vacant.
    [InlineData(true, "none", 0, Risk.High)]
    [InlineData(true, "2030-01-01", 0, Risk.High)]
    [InlineData(true, "none", 1, Risk.Low)]
    [InlineData(true, "2026-04-09", 1, Risk.Medium)]
    [InlineData(true, "none", 2, Risk.Low)]
    // No ready-now candidate: 12-month boundary (on it is within, a day after is not).
    [InlineData(false, "2026-04-09", 0, Risk.High)]
    [InlineData(false, "2026-04-10", 0, Risk.Medium)]
    // 24-month boundary.
    [InlineData(false, "2027-04-09", 0, Risk.Medium)]
    [InlineData(false, "2027-04-10", 0, Risk.Low)]
    // A term that already ended, or ends today, counts as within 12 months.
    [InlineData(false, "2024-12-31", 0, Risk.High)]
    [InlineData(false, "2025-04-09", 0, Risk.High)]
    [InlineData(false, "2024-12-31", 1, Risk.Medium)]
    // An open-ended term is never within.
    [InlineData(false, "none", 0, Risk.Low)]
    // One ready-now candidate: medium only within 12 months.
    [InlineData(false, "2026-04-09", 1, Risk.Medium)]
    [InlineData(false, "2026-04-10", 1, Risk.Low)]
    [InlineData(false, "2027-04-09", 1, Risk.Low)]
    // Two ready-now candidates: low even when the term ends soon.
    [InlineData(false, "2025-05-01", 2, Risk.Low)]
    [InlineData(false, "2024-12-31", 2, Risk.Low)]
    public void Risk_follows_vacancy_term_end_and_ready_now_candidates(bool isVacant, string termEndsOn, int readyNow, Risk expected)
    {
        DateOnly? end = termEndsOn == "none" ? null : DateOnly.Parse(termEndsOn, System.Globalization.CultureInfo.InvariantCulture);
        SuccessionRules.Risk(isVacant, end, AsOf, readyNow).Should().Be(expected);
    }

    [Fact]
    public void Months_are_calendar_months_so_the_end_of_february_follows_the_calendar()
    {
        // 2024-02-29 plus 12 months is 2025-02-28.
        var asOf = new DateOnly(2024, 2, 29);
        SuccessionRules.Risk(false, new DateOnly(2025, 2, 28), asOf, 0).Should().Be(Risk.High);
        SuccessionRules.Risk(false, new DateOnly(2025, 3, 1), asOf, 0).Should().Be(Risk.Medium);
    }

    [Fact]
    public void A_negative_count_is_a_programming_error() =>
        FluentActions.Invoking(() => SuccessionRules.Risk(false, null, AsOf, -1)).Should().Throw<ArgumentOutOfRangeException>();

    [Theory]
    [InlineData(Risk.High, "high")]
    [InlineData(Risk.Medium, "medium")]
    [InlineData(Risk.Low, "low")]
    public void Risk_has_stable_api_names(Risk risk, string name)
    {
        RiskNames.ToApi(risk).Should().Be(name);
        RiskNames.FromApi(name).Should().Be(risk);
    }

    [Theory]
    [InlineData(true, null, 2, "2 candidates are ready now; the seat is vacant.")]
    [InlineData(false, "2025-06-30", 0, "No candidate is ready now; the term ends within 12 months (2025-06-30).")]
    [InlineData(false, "2026-06-30", 1, "One candidate is ready now; the term ends within 24 months (2026-06-30).")]
    [InlineData(false, null, 0, "No candidate is ready now; the term has no end date.")]
    [InlineData(false, "2030-01-01", 0, "No candidate is ready now; the term ends on 2030-01-01.")]
    [InlineData(false, "2024-12-31", 0, "No candidate is ready now; the term ended on 2024-12-31.")]
    public void The_reason_beside_a_risk_says_what_the_rule_looked_at(bool isVacant, string? termEnds, int readyNow, string reason) =>
        SuccessionRules.RiskReason(isVacant, termEnds is null ? null : DateOnly.Parse(termEnds), AsOf, readyNow).Should().Be(reason);
}
