using System.Globalization;
using System.Text;

namespace PrisonerReleaseTracker.Bench;

/// <summary>
/// The synthetic record: the same seed gives the same rows. Every person, claim, facility and source is a pure
/// function of (seed, index), so the generator can write tables in parallel and the first k detainees of a big
/// data set are the k detainees of a small one (what the growth comparisons rely on).
/// </summary>
internal static class DataModel
{
    public static readonly DateOnly HistoryStart = new(2016, 1, 1);
    /// <summary>The last day with releases; fixed, so the data does not depend on the day it is generated.</summary>
    public static readonly DateOnly DataEnd = new(2026, 11, 27);
    public static readonly DateTimeOffset DataEndInstant = new(2026, 11, 27, 22, 0, 0, TimeSpan.Zero);

    public const int Facilities = 300;
    public const int Sources = 5_000;
    public const int Claims = 1_000;
    public const int OpenDetentionPercent = 20;

    public static readonly string[] Organizations = ["Bench Observatorio", "Bench Foro", "Bench Red de Abogados"];
    public static readonly string[] VerifierOrganizations = ["Bench Observatorio", "Bench Foro", "Bench Red de Abogados", "Bench Familias"];

    public static Guid ReporterKey(int org) => new Rng(1, 90, org).Uuid7(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public static Guid VerifierKey(int org) => new Rng(1, 91, org).Uuid7(new DateTimeOffset(2020, 1, 2, 0, 0, 0, TimeSpan.Zero));

    // ---- names in several scripts ---------------------------------------------------------------------------

    private static readonly string[] LatinFirstMale = ["José", "Jesús", "Andrés", "Ramón", "Héctor", "Ángel", "Nicolás", "Joaquín", "Luis", "Carlos", "Víctor", "Óscar", "Rubén", "Julián", "Tomás", "Iñaki", "François", "João", "Sebastián", "Martín"];
    private static readonly string[] LatinFirstFemale = ["María", "Sofía", "Lucía", "Génesis", "Dayana", "Yolimar", "Begoña", "Inés", "Mónica", "Verónica", "Andrea", "Raquel", "Zoë", "Anaís", "Rocío", "Belén", "Ximena", "Nathalie", "Fernanda", "Ana"];
    private static readonly string[] LatinSurnames =
    [
        "Pérez", "González", "Rodríguez", "Hernández", "Núñez", "Martínez", "Gómez", "Díaz", "Sánchez", "Rojas",
        "Peña", "Muñoz", "Suárez", "Ibáñez", "Ordóñez", "Castaño", "Briceño", "Azócar", "Márquez", "López",
        "García", "Ramírez", "Fernández", "Jiménez", "Álvarez", "Romero", "Gutiérrez", "Vásquez", "Chacón", "Guzmán",
        "Mendoza", "Salazar", "Carvajal", "Quintero", "Montaño", "Zambrano", "Ávila", "Bolívar", "Durán", "Acuña",
        "Echeverría", "Ortíz", "Villalobos", "Cedeño", "Pacheco", "Sosa", "Blanco", "Maldonado", "Toledo", "Beltrán",
    ];

    private static readonly (string Han, string Pinyin)[] ChineseSurnames =
    [
        ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"), ("黄", "Huang"), ("赵", "Zhao"),
        ("吴", "Wu"), ("周", "Zhou"), ("徐", "Xu"), ("孙", "Sun"), ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"), ("郭", "Guo"),
    ];
    private static readonly (string Han, string Pinyin)[] ChineseGiven =
    [
        ("伟", "Wei"), ("芳", "Fang"), ("娜", "Na"), ("秀英", "Xiuying"), ("敏", "Min"), ("静", "Jing"), ("丽", "Li"), ("强", "Qiang"),
        ("磊", "Lei"), ("军", "Jun"), ("洋", "Yang"), ("勇", "Yong"), ("艳", "Yan"), ("杰", "Jie"), ("娟", "Juan"), ("涛", "Tao"),
        ("明", "Ming"), ("超", "Chao"), ("秀兰", "Xiulan"), ("霞", "Xia"), ("志强", "Zhiqiang"), ("建国", "Jianguo"), ("晓明", "Xiaoming"), ("丹", "Dan"),
    ];

    private static readonly (string Arabic, string Latin)[] ArabicFirst =
    [
        ("محمد", "Mohammed"), ("أحمد", "Ahmed"), ("علي", "Ali"), ("حسن", "Hassan"), ("خالد", "Khaled"), ("عمر", "Omar"), ("يوسف", "Youssef"), ("إبراهيم", "Ibrahim"),
        ("فاطمة", "Fatima"), ("مريم", "Maryam"), ("عائشة", "Aisha"), ("نور", "Nour"), ("سارة", "Sara"), ("ليلى", "Layla"), ("زينب", "Zainab"), ("هدى", "Huda"),
    ];
    private static readonly (string Arabic, string Latin)[] ArabicFamily =
    [
        ("عبد الله", "Abdullah"), ("الحسن", "al-Hassan"), ("العلي", "al-Ali"), ("المصري", "al-Masri"), ("الشامي", "al-Shami"), ("حداد", "Haddad"),
        ("خليل", "Khalil"), ("منصور", "Mansour"), ("سليمان", "Suleiman"), ("النجار", "al-Najjar"), ("الخطيب", "al-Khatib"), ("عيسى", "Issa"),
    ];

    private static readonly (string Cyrillic, string Latin)[] CyrillicFirstMale =
    [
        ("Алексей", "Aleksei"), ("Дмитрий", "Dmitry"), ("Сергей", "Sergei"), ("Андрей", "Andrei"), ("Иван", "Ivan"), ("Михаил", "Mikhail"), ("Павел", "Pavel"), ("Юрий", "Yuri"),
    ];
    private static readonly (string Cyrillic, string Latin)[] CyrillicFirstFemale =
    [
        ("Ольга", "Olga"), ("Наталья", "Natalya"), ("Мария", "Maria"), ("Екатерина", "Ekaterina"), ("Юлия", "Yulia"), ("Анна", "Anna"), ("Светлана", "Svetlana"), ("Ирина", "Irina"),
    ];
    private static readonly (string Cyrillic, string Latin)[] CyrillicSurnames =
    [
        ("Иванов", "Ivanov"), ("Смирнов", "Smirnov"), ("Кузнецов", "Kuznetsov"), ("Попов", "Popov"), ("Соколов", "Sokolov"), ("Лебедев", "Lebedev"),
        ("Новиков", "Novikov"), ("Морозов", "Morozov"), ("Волков", "Volkov"), ("Петров", "Petrov"), ("Козлов", "Kozlov"), ("Орлов", "Orlov"),
    ];

    private static readonly string[] Categories = ["journalist", "student", "military", "activist", "politician", "human-rights-defender", "union-leader", "minor"];
    private static readonly string[] SecondNationalities = ["CO", "ES", "PE", "AR", "CL", "EC", "IT", "PT", "US", "DE"];
    private static readonly string[] Charges = ["terrorism", "incitement to hatred", "treason", "conspiracy", "rebellion", "illicit association", "instigation to insurrection", "financing terrorism"];
    private static readonly string[] Authorities = ["SEBIN", "DGCIM", "PNB", "GNB", "CICPC", "Police municipal"];
    private static readonly string[] ReleaseKinds = ["Unconditional", "Conditional", "SentenceServed", "PardonOrAmnesty", "Exchange", "Deportation", "Unknown"];
    private static readonly double[] ReleaseKindWeights = [0.20, 0.45, 0.08, 0.15, 0.02, 0.03, 0.07];
    private static readonly string[] Methods = ["FamilyConfirmation", "LawyerConfirmation", "DirectContact", "OfficialDocument", "MediaReport", "PublicAppearance", "Other"];

    /// <summary>A name in one of the scripts, its folded-search alias (transliteration) if any, gender and nationality.</summary>
    public static (string FullName, string[] OtherNames, string Gender, string Nationality) Name(ref Rng rng)
    {
        var female = rng.Chance(0.45);
        var gender = rng.Chance(0.02) ? (rng.Chance(0.5) ? "Other" : "Unknown") : female ? "Female" : "Male";
        var script = rng.NextDouble();
        if (script < 0.55)
        {
            var first = rng.Pick(female ? LatinFirstFemale : LatinFirstMale);
            var sb = new StringBuilder(first);
            if (rng.Chance(0.4))
            {
                var second = rng.Pick(female ? LatinFirstFemale : LatinFirstMale);
                if (second != first)
                {
                    sb.Append(' ').Append(second);
                }
            }

            sb.Append(' ').Append(rng.Pick(LatinSurnames)).Append(' ').Append(rng.Pick(LatinSurnames));
            string[] other = rng.Chance(0.15) ? [first + " " + rng.Pick(LatinSurnames)] : [];
            return (sb.ToString(), other, gender, rng.Chance(0.92) ? "VE" : rng.Pick(SecondNationalities));
        }

        if (script < 0.70)
        {
            var surname = rng.Pick(ChineseSurnames);
            var given = rng.Pick(ChineseGiven);
            string[] other = rng.Chance(0.6) ? [surname.Pinyin + " " + given.Pinyin] : [];
            return (surname.Han + given.Han, other, gender, "CN");
        }

        if (script < 0.85)
        {
            var first = rng.Pick(ArabicFirst);
            var father = rng.Pick(ArabicFirst);
            var family = rng.Pick(ArabicFamily);
            string[] other = rng.Chance(0.6) ? [$"{first.Latin} {father.Latin} {family.Latin}"] : [];
            return ($"{first.Arabic} {father.Arabic} {family.Arabic}", other, gender, rng.Pick(["EG", "SY", "LB", "IQ"]));
        }

        var firstC = rng.Pick(female ? CyrillicFirstFemale : CyrillicFirstMale);
        var surnameC = rng.Pick(CyrillicSurnames);
        var suffix = female ? ("а", "a") : ("", "");
        string[] otherC = rng.Chance(0.6) ? [$"{firstC.Latin} {surnameC.Latin}{suffix.Item2}"] : [];
        return ($"{firstC.Cyrillic} {surnameC.Cyrillic}{suffix.Item1}", otherC, gender, rng.Pick(["RU", "BY", "UA"]));
    }

    // ---- dates ----------------------------------------------------------------------------------------------

    private static readonly int HistoryDays = DataEnd.DayNumber - HistoryStart.DayNumber + 1;

    /// <summary>
    /// Releases come steadily over ten years, with waves of amnesties: the January 2026 story (8-31 January), July 2024
    /// and December 2018, each 2% of all releases (about twelve times the usual daily rate).
    /// </summary>
    public static DateOnly ReleaseDay(ref Rng rng)
    {
        var u = rng.NextDouble();
        if (u < 0.94)
        {
            return HistoryStart.AddDays(rng.Next(HistoryDays));
        }

        if (u < 0.96)
        {
            return new DateOnly(2026, 1, 8).AddDays(rng.Next(24));
        }

        return u < 0.98 ? new DateOnly(2024, 7, 1).AddDays(rng.Next(31)) : new DateOnly(2018, 12, 1).AddDays(rng.Next(31));
    }

    public static string PartialDate(ref Rng rng, DateOnly day)
    {
        var u = rng.NextDouble();
        return u < 0.7 ? day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : u < 0.9 ? day.ToString("yyyy-MM", CultureInfo.InvariantCulture)
            : day.ToString("yyyy", CultureInfo.InvariantCulture);
    }

    public static DateTimeOffset At(DateOnly day, int secondOfDay) =>
        new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddSeconds(secondOfDay);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    // ---- people, detentions, releases and verification histories ---------------------------------------------

    public static Guid FacilityId(int index) => new Rng(1, 1, index).Uuid7(new DateTimeOffset(2019, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(index));

    public static Guid SourceId(int index) => new Rng(1, 2, index).Uuid7(new DateTimeOffset(2019, 6, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(index));

    private static readonly string[] FacilityKinds = ["Prison", "Prison", "Prison", "IntelligenceService", "MilitaryFacility", "PoliceStation", "PoliceStation", "HouseArrest", "Other"];
    private static readonly string[] FacilityCities = ["Caracas", "Maracaibo", "Valencia", "Barquisimeto", "Mérida", "San Cristóbal", "Ciudad Bolívar", "Maturín", "Los Teques", "Barinas"];

    public static (string Name, string Kind, string City) Facility(int index)
    {
        var rng = new Rng(1, 7, index);
        var kind = rng.Pick(FacilityKinds);
        var city = rng.Pick(FacilityCities);
        return ($"{kind} {city} #{index:D3}", kind, city);
    }

    public static string SourceUrl(int index) => $"https://example.org/bench/source/{index}";

    /// <summary>Skewed: a few big prisons hold most people.</summary>
    public static int FacilityIndex(ref Rng rng)
    {
        var u = rng.NextDouble();
        return (int)(Facilities * u * u);
    }

    public static Person Person(long seed, long index)
    {
        var rng = new Rng(seed, 3, index);
        var createdAt = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(index * 37);
        var id = rng.Uuid7(createdAt);
        var (fullName, otherNames, gender, nationality) = Name(ref rng);
        List<string> nationalities = [nationality];
        if (rng.Chance(0.04))
        {
            var second = rng.Pick(SecondNationalities);
            if (second != nationality)
            {
                nationalities.Add(second);
            }
        }

        var categories = new List<string>();
        var categoryCount = rng.Chance(0.5) ? 0 : rng.Chance(0.8) ? 1 : 2;
        for (var i = 0; i < categoryCount; i++)
        {
            var c = rng.Pick(Categories);
            if (!categories.Contains(c))
            {
                categories.Add(c);
            }
        }

        var birth = new DateOnly(1950, 1, 1).AddDays(rng.Next(365 * 55));
        var birthDate = rng.Chance(0.1) ? null : PartialDate(ref rng, birth);
        var org = rng.Next(Organizations.Length);
        var detainee = new DetaineeRow(
            id, fullName, otherNames, gender, birthDate, [.. nationalities], [.. categories],
            IsProtected: rng.Chance(0.03),
            NationalId: rng.Chance(0.6) ? (nationality == "VE" ? "V-" : nationality + "-") + rng.Next(1_000_000, 32_000_000).ToString(CultureInfo.InvariantCulture) : null,
            Notes: rng.Chance(0.1) ? "Family in contact; bench note " + index.ToString(CultureInfo.InvariantCulture) : null,
            Status: "Released", Organization: Organizations[org], CreatedAt: createdAt, UpdatedAt: createdAt,
            ExternalScheme: "bench-case", ExternalValue: "BC-" + index.ToString("D8", CultureInfo.InvariantCulture));

        // Two closed detentions, each ended by one release; a fifth of the people are detained again.
        var d1 = ReleaseDay(ref rng);
        var d2 = ReleaseDay(ref rng);
        if (d2 < d1)
        {
            (d1, d2) = (d2, d1);
        }

        if (d1 == d2)
        {
            if (d2 < DataEnd)
            {
                d2 = d2.AddDays(1);
            }
            else
            {
                d1 = d1.AddDays(-1);
            }
        }

        var arrest1 = d1.AddDays(-rng.Next(7, 1500));
        var arrest2 = d2.DayNumber - d1.DayNumber >= 2 ? d1.AddDays(rng.Next(1, d2.DayNumber - d1.DayNumber)) : d2;
        var detentions = new List<DetentionRow>(3);
        var releases = new List<ReleaseRow>(2);
        var events = new List<EventRow>(4);
        foreach (var (arrested, released) in new[] { (arrest1, d1), (arrest2, d2) })
        {
            var facility = FacilityIndex(ref rng);
            var detentionCreated = Min(At(arrested, rng.Next(86_400)).AddDays(rng.Next(0, 20)), DataEndInstant);
            var detention = new DetentionRow(rng.Uuid7(detentionCreated), id, PartialDate(ref rng, arrested), rng.Chance(0.5) ? "Caracas" : null,
                rng.Pick(Authorities), facility, [.. Enumerable.Range(0, rng.Next(1, 3)).Select(_ => rng.Pick(Charges)).Distinct()],
                released, Organizations[org], detentionCreated);
            detentions.Add(detention);
            releases.Add(Release(ref rng, detention, released, org, events));
        }

        if (rng.Next(100) < OpenDetentionPercent && d2 < DataEnd.AddDays(-2))
        {
            var arrested = d2.AddDays(rng.Next(1, DataEnd.DayNumber - d2.DayNumber));
            var created = Min(At(arrested, rng.Next(86_400)).AddDays(rng.Next(0, 5)), DataEndInstant);
            detentions.Add(new DetentionRow(rng.Uuid7(created), id, PartialDate(ref rng, arrested), null, rng.Pick(Authorities),
                FacilityIndex(ref rng), [rng.Pick(Charges)], null, Organizations[org], created));
            detainee = detainee with { Status = "Detained" };
        }

        return new Person(detainee, detentions, releases, events);
    }

    private static ReleaseRow Release(ref Rng rng, DetentionRow detention, DateOnly releasedOn, int org, List<EventRow> events)
    {
        var createdAt = Min(At(releasedOn, rng.Next(86_400)).AddDays(rng.Next(0, 5)), DataEndInstant);
        var id = rng.Uuid7(createdAt);
        var kindDraw = rng.NextDouble();
        var kind = ReleaseKinds[^1];
        for (double acc = 0, i = 0; i < ReleaseKinds.Length; i++)
        {
            acc += ReleaseKindWeights[(int)i];
            if (kindDraw < acc)
            {
                kind = ReleaseKinds[(int)i];
                break;
            }
        }

        var chargesDraw = rng.NextDouble();
        bool? chargesDropped = chargesDraw < 0.5 ? true : chargesDraw < 0.8 ? false : null;
        var sourceCount = rng.Chance(0.5) ? 0 : rng.Chance(0.8) ? 1 : 2;
        var sources = new Guid[sourceCount];
        for (var i = 0; i < sourceCount; i++)
        {
            sources[i] = SourceId(rng.Next(Sources));
        }

        // The path to the final status; recent releases may not have got that far by the end of the data.
        var u = rng.NextDouble();
        string[] path = u < 0.08 ? []
            : u < 0.15 ? ["UnderVerification"]
            : u < 0.17 ? ["UnderVerification", "Rejected"]
            : u < 0.22 ? ["UnderVerification", "Disputed"]
            : u < 0.25 ? ["Verified", "Retracted"]
            : u < 0.30 ? ["UnderVerification", "Disputed", "UnderVerification", "Verified"]
            : rng.Chance(0.5) ? ["Verified"] : ["UnderVerification", "Verified"];
        var reporter = org;
        var status = "Reported";
        DateTimeOffset? statusAt = null;
        string? statusOrg = null;
        var at = createdAt;
        var sequence = 0;
        foreach (var step in path)
        {
            at = at.AddSeconds(rng.Next(3_600, 86_400 * (sequence == 0 ? 20 : 30)));
            if (at > DataEndInstant)
            {
                break;
            }

            var verifier = rng.Next(VerifierOrganizations.Length);
            if (verifier == reporter)
            {
                verifier = (verifier + 1) % VerifierOrganizations.Length; // four eyes: never the reporting key
            }

            var recordedAt = Min(at.AddSeconds(rng.Next(0, 36 * 3_600)), DataEndInstant);
            sequence++;
            var note = step is "Disputed" or "Rejected" or "Retracted" ? $"{step}: conflicting reports from the family and the court" : null;
            events.Add(new EventRow(rng.Uuid7(recordedAt), id, sequence, step, rng.Pick(Methods), at, recordedAt, VerifierKey(verifier),
                VerifierOrganizations[verifier], note, rng.Chance(0.3) ? [SourceId(rng.Next(Sources))] : []));
            status = step;
            statusAt = at;
            statusOrg = VerifierOrganizations[verifier];
        }

        return new ReleaseRow(id, detention.Id, detention.DetaineeId, releasedOn, kind, detention.FacilityIndex, sources,
            rng.Chance(0.05) ? "Released at night; family waiting outside" : null, ReporterKey(reporter), Organizations[reporter], Organizations[org],
            createdAt, status, statusAt, statusOrg, sequence, chargesDropped, rng.Chance(0.25), rng.Chance(0.2), rng.Chance(0.3));
    }
}

internal static class ClaimModel
{
    private static readonly (string Name, string Kind, string Language)[] Claimants =
    [
        ("Government of Venezuela (bench)", "Government", "es"), ("Ministerio de Servicio Penitenciario (bench)", "Government", "es"),
        ("Foro Penal (bench)", "Ngo", "es"), ("Provea (bench)", "Ngo", "es"), ("Justicia, Encuentro y Perdón (bench)", "Ngo", "es"),
        ("UN Fact-Finding Mission (bench)", "InternationalBody", "en"), ("IACHR (bench)", "InternationalBody", "es"),
        ("El Pitazo (bench)", "Media", "es"), ("Efecto Cocuyo (bench)", "Media", "es"), ("Reuters (bench)", "Media", "en"),
        ("Family committee (bench)", "Other", "es"), ("Opposition coalition (bench)", "Other", "es"),
    ];

    private static readonly string[] Qualifiers = ["Exactly", "AtLeast", "MoreThan", "Approximately", "AtMost", "Between"];
    private static readonly double[] QualifierWeights = [0.25, 0.30, 0.25, 0.12, 0.03, 0.05];

    public static DateTimeOffset StatedAt(long seed, int index)
    {
        var rng = new Rng(seed, 4, index);
        var day = rng.Chance(0.95)
            ? DataModel.HistoryStart.AddDays(rng.Next(DataModel.DataEnd.DayNumber - DataModel.HistoryStart.DayNumber))
            : new DateOnly(2026, 1, 8).AddDays(rng.Next(38));
        return DataModel.At(day, rng.Next(36_000, 82_800));
    }

    /// <summary>Every tenth claim revises the one before it when it was stated later (a new figure for the same story).</summary>
    private static bool Supersedes(long seed, int index) => index % 10 == 9 && StatedAt(seed, index) > StatedAt(seed, index - 1);

    public static ClaimRow Claim(long seed, int index)
    {
        var rng = new Rng(seed, 5, index);
        var statedAt = StatedAt(seed, index);
        var statedDay = DateOnly.FromDateTime(statedAt.UtcDateTime);
        var claimant = rng.Pick(Claimants);
        var metricDraw = rng.NextDouble();
        var metric = metricDraw < 0.7 ? "Releases" : metricDraw < 0.9 ? "Detained" : "Arrests";
        var lengthDraw = rng.NextDouble();
        var length = lengthDraw < 0.5 ? 0 : lengthDraw < 0.8 ? rng.Next(1, 8) : rng.Next(8, 61);
        var to = statedDay;
        var from = statedDay >= new DateOnly(2026, 1, 8) && statedDay <= new DateOnly(2026, 2, 15) && rng.Chance(0.5)
            ? new DateOnly(2026, 1, 8)
            : to.AddDays(-length);
        var qualifierDraw = rng.NextDouble();
        var qualifier = Qualifiers[^1];
        for (double acc = 0, i = 0; i < Qualifiers.Length; i++)
        {
            acc += QualifierWeights[(int)i];
            if (qualifierDraw < acc)
            {
                qualifier = Qualifiers[(int)i];
                break;
            }
        }

        var value = rng.Next(5, 1_200);
        int? upper = qualifier == "Between" ? value + rng.Next(5, 100) : null;
        var text = (claimant.Language, qualifier) switch
        {
            ("es", "Exactly") => $"{value} excarcelaciones",
            ("es", "AtLeast") => $"al menos {value}",
            ("es", "MoreThan") => $"más de {value}",
            ("es", "Approximately") => $"unos {value}",
            ("es", "AtMost") => $"como máximo {value}",
            ("es", _) => $"entre {value} y {upper}",
            (_, "Exactly") => $"{value} released",
            (_, "AtLeast") => $"at least {value}",
            (_, "MoreThan") => $"more than {value}",
            (_, "Approximately") => $"about {value}",
            (_, "AtMost") => $"at most {value}",
            _ => $"between {value} and {upper}",
        };
        var supersededBy = index + 1 < DataModel.Claims && Supersedes(seed, index + 1) ? StatedAt(seed, index + 1) : (DateTimeOffset?)null;
        var retracted = supersededBy is null && rng.Chance(0.04);
        var offset = claimant.Language == "es" ? -240 : 0;
        return new ClaimRow(
            Id(seed, index), claimant.Name, claimant.Kind, metric, statedAt, from, to, text,
            rng.Chance(0.7) ? [DataModel.SourceId(rng.Next(DataModel.Sources))] : [],
            Supersedes(seed, index) ? Id(seed, index - 1) : null,
            supersededBy is not null ? "Superseded" : retracted ? "Retracted" : "Active",
            supersededBy ?? (retracted ? Cap(statedAt.AddDays(rng.Next(1, 30))) : null),
            retracted ? "Withdrawn by the claimant" : null,
            "Bench Observatorio", Cap(statedAt.AddHours(rng.Next(1, 48))), qualifier, upper, value, offset);
    }

    private static DateTimeOffset Cap(DateTimeOffset at) => at < DataModel.DataEndInstant ? at : DataModel.DataEndInstant;

    public static Guid Id(long seed, int index) => new Rng(seed, 6, index).Uuid7(StatedAt(seed, index));
}

internal sealed record ClaimRow(
    Guid Id, string Claimant, string ClaimantKind, string Metric, DateTimeOffset StatedAt, DateOnly PeriodFrom, DateOnly PeriodTo,
    string OriginalText, Guid[] SourceIds, Guid? SupersedesClaimId, string Status, DateTimeOffset? EndedAt, string? RetractionNote,
    string Organization, DateTimeOffset CreatedAt, string CountQualifier, int? CountUpperValue, int CountValue, int StatedAtOffsetMinutes);

internal sealed record DetaineeRow(
    Guid Id, string FullName, string[] OtherNames, string Gender, string? BirthDate, string[] Nationalities, string[] Categories,
    bool IsProtected, string? NationalId, string? Notes, string Status, string Organization, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    string ExternalScheme, string ExternalValue);

internal sealed record DetentionRow(
    Guid Id, Guid DetaineeId, string ArrestedOn, string? ArrestPlace, string ArrestingAuthority, int FacilityIndex, string[] Charges,
    DateOnly? ReleasedOn, string Organization, DateTimeOffset CreatedAt);

internal sealed record ReleaseRow(
    Guid Id, Guid DetentionId, Guid DetaineeId, DateOnly ReleasedOn, string Kind, int FacilityIndex, Guid[] SourceIds, string? Note,
    Guid ReportedByKeyId, string ReportedByOrganization, string Organization, DateTimeOffset CreatedAt, string Status,
    DateTimeOffset? StatusOccurredAt, string? StatusOrganization, int EventCount, bool? ChargesDropped, bool TravelBan,
    bool BarredFromPublicStatements, bool MustReportToCourt);

internal sealed record EventRow(
    Guid Id, Guid ReleaseId, int Sequence, string Status, string Method, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt, Guid KeyId,
    string Organization, string? Note, Guid[] SourceIds);

internal sealed record Person(DetaineeRow Detainee, List<DetentionRow> Detentions, List<ReleaseRow> Releases, List<EventRow> Events);
