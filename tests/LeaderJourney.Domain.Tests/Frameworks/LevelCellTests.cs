using LeaderJourney.Domain.Frameworks;

namespace LeaderJourney.Domain.Tests.Frameworks;

public sealed class LevelCellTests
{
    [Theory]
    [InlineData("Identifies issues Learning Considerations Learns how", "Identifies issues", "Learns how")]
    [InlineData("Identifies issues Training Considerations Learns how", "Identifies issues", "Learns how")]
    [InlineData("Identifies issues learning considerations: Learns how", "Identifies issues", "Learns how")]
    [InlineData("Learning Considerations Learns how", "", "Learns how")]
    [InlineData("Identifies issues Learning Considerations", "Identifies issues", "")]
    public void Splits_at_the_label(string cell, string descriptor, string considerations)
    {
        LevelCell.Split(cell).Should().Be((descriptor, considerations));
    }

    [Fact]
    public void Only_the_first_label_splits()
    {
        LevelCell.Split("A Learning Considerations B Training Considerations C")
            .Should().Be(("A", "B Training Considerations C"));
    }

    [Fact]
    public void A_cell_without_a_label_is_all_descriptor()
    {
        LevelCell.Split("Greets new hires").Should().Be(("Greets new hires", string.Empty));
    }

    [Fact]
    public void The_label_must_stand_as_whole_words()
    {
        LevelCell.Split("Unlearning Considerationsx only").Should().Be(("Unlearning Considerationsx only", string.Empty));
    }
}
