using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Reflection;

namespace PrisonerReleaseTracker.Api.Infrastructure.Json;

/// <summary>
/// The names enums travel under, in JSON bodies and in query strings alike: the member's name, or its
/// <see cref="JsonStringEnumMemberNameAttribute"/> (<c>releaseKind</c>, <c>csv</c>). Parsing is exact: no
/// integers, no other case, no surrounding spaces, no comma-joined flags.
/// </summary>
public static class EnumNames
{
    private static readonly ConcurrentDictionary<Type, Table> Tables = new();

    public static IReadOnlyList<string> Of(Type enumType) => TableOf(enumType).Names;

    public static string NameOf(Type enumType, object value) =>
        TableOf(enumType).ByValue.TryGetValue(value, out var name) ? name : throw new ArgumentOutOfRangeException(nameof(value), value, "Not a named value.");

    public static bool TryParse(Type enumType, string? text, out object? value)
    {
        value = null;
        return text is not null && TableOf(enumType).ByName.TryGetValue(text, out value);
    }

    /// <summary>"Must be one of: A, B, C."</summary>
    public static string Expectation(Type enumType) => $"Must be one of: {string.Join(", ", Of(enumType))}.";

    private static Table TableOf(Type enumType) => Tables.GetOrAdd(enumType, static type =>
    {
        var members = type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (Name: f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name, Value: f.GetValue(null)!))
            .ToList();
        return new Table(
            [.. members.Select(m => m.Name)],
            members.ToFrozenDictionary(m => m.Name, m => m.Value, StringComparer.Ordinal),
            members.ToFrozenDictionary(m => m.Value, m => m.Name));
    });

    private sealed record Table(IReadOnlyList<string> Names, FrozenDictionary<string, object> ByName, FrozenDictionary<object, string> ByValue);
}
