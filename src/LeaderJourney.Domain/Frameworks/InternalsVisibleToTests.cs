using System.Runtime.CompilerServices;

// The repair, row and outline rules are internal details of the parser, but each is unit-tested.
[assembly: InternalsVisibleTo("LeaderJourney.Domain.Tests")]
