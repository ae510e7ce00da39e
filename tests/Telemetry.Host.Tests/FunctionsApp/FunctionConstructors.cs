using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;

namespace Telemetry.Host.Tests.FunctionsApp;

/// <summary>
/// The constructor parameters of the Functions app's function classes, read from their source because src/Functions
/// cannot be referenced here. The worker activates a function class per invocation with
/// <c>ActivatorUtilities.CreateInstance</c> over the invocation's scope, so each parameter is a service (keyed when it
/// carries <see cref="FromKeyedServicesAttribute"/>) that the app's container must resolve. A new function class is
/// covered without touching the tests; a parameter this reader cannot map to a type fails loudly, never silently.
/// </summary>
internal static partial class FunctionConstructors
{
    /// <summary>The namespaces the SDK's implicit usings bring into every file of src/Functions.</summary>
    private static readonly string[] ImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    private static readonly Lazy<IReadOnlyList<Type>> KnownTypes = new(LoadKnownTypes);

    /// <summary>Every class declared in a file of src/Functions that declares a <c>[Function(...)]</c>.</summary>
    public static IReadOnlyList<FunctionClass> FunctionClasses()
    {
        var classes = new List<FunctionClass>();
        foreach (var path in RepositoryFiles.FunctionSources())
        {
            var source = File.ReadAllText(path);
            if (!FunctionAttribute().IsMatch(source))
            {
                continue;
            }

            var file = Path.GetRelativePath(RepositoryFiles.Root, path);
            var namespaces = Usings().Matches(source).Select(match => match.Groups["ns"].Value)
                .Concat(EnclosingNamespaces(FileNamespace().Match(source).Groups["ns"].Value))
                .Concat(ImplicitUsings)
                .ToHashSet(StringComparer.Ordinal);
            foreach (Match declaration in ClassDeclaration().Matches(source))
            {
                var name = declaration.Groups["name"].Value;
                var parameters = ParameterList(source, name, declaration) is { } list
                    ? SplitTopLevel(list).Select(text => ParseParameter(text, name, file, namespaces)).ToList()
                    : [];
                classes.Add(new FunctionClass(name, file, source, parameters));
            }
        }

        return classes;
    }

    /// <summary>The primary constructor's parameter list, else the first explicit constructor's, else none (parameterless).</summary>
    private static string? ParameterList(string source, string className, Match declaration)
    {
        var afterName = declaration.Index + declaration.Length;
        if (declaration.Groups["primary"].Success)
        {
            return Balanced(source, afterName - 1);
        }

        var constructor = new Regex($@"\b(?:public|internal|protected|private)\s+{Regex.Escape(className)}\s*\(").Match(source, afterName);
        return constructor.Success ? Balanced(source, constructor.Index + constructor.Length - 1) : null;
    }

    private static FunctionParameter ParseParameter(string text, string className, string file, IReadOnlySet<string> namespaces)
    {
        var match = ParameterSyntax().Match(text.Trim());
        if (!match.Success)
        {
            throw new InvalidDataException($"{file}: cannot read constructor parameter '{text.Trim()}' of {className}.");
        }

        object? key = null;
        foreach (var attribute in match.Groups["attribute"].Captures.Select(capture => capture.Value.Trim()))
        {
            var keyed = KeyedAttribute().Match(attribute);
            if (keyed.Success)
            {
                key = ResolveKey(keyed.Groups["key"].Value.Trim(), file, namespaces);
            }
        }

        var typeName = match.Groups["type"].Value.TrimEnd('?');
        var type = ResolveType(typeName, file, namespaces, className);
        return new FunctionParameter(className, file, match.Groups["name"].Value, typeName, type, key);
    }

    private static object ResolveKey(string expression, string file, IReadOnlySet<string> namespaces)
    {
        if (expression.StartsWith('"') && expression.EndsWith('"'))
        {
            return expression[1..^1];
        }

        var dot = expression.LastIndexOf('.');
        if (dot > 0)
        {
            var holder = ResolveType(expression[..dot], file, namespaces, functionClass: null);
            if (holder.GetField(expression[(dot + 1)..], BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static) is { IsLiteral: true } field)
            {
                return field.GetRawConstantValue()!;
            }
        }

        throw new InvalidDataException($"{file}: cannot evaluate the service key '{expression}' (a string literal or a constant is expected).");
    }

    private static Type ResolveType(string typeName, string file, IReadOnlySet<string> namespaces, string? functionClass)
    {
        var generic = GenericSyntax().Match(typeName);
        if (generic.Success)
        {
            var arguments = SplitTopLevel(generic.Groups["arguments"].Value)
                .Select(argument => argument.Trim())
                // A function class is not loadable here; ILogger<TFunction> and the like resolve through an open
                // generic registration whatever the argument, so any class stands in for it.
                .Select(argument => argument == functionClass ? typeof(object) : ResolveType(argument, file, namespaces, functionClass))
                .ToArray();
            return ResolveType($"{generic.Groups["name"].Value}`{arguments.Length}", file, namespaces, functionClass).MakeGenericType(arguments);
        }

        var candidates = KnownTypes.Value
            .Where(type => typeName.Contains('.', StringComparison.Ordinal)
                ? type.FullName == typeName
                : type.Name == typeName && type.Namespace is not null && namespaces.Contains(type.Namespace))
            .Distinct()
            .ToList();
        return candidates.Count == 1
            ? candidates[0]
            : throw new InvalidDataException(
                $"{file}: constructor parameter type '{typeName}' matches {candidates.Count} public types of the product and its references, not one.");
    }

    private static IEnumerable<string> EnclosingNamespaces(string name)
    {
        for (var current = name; current.Length > 0; current = current.Contains('.', StringComparison.Ordinal) ? current[..current.LastIndexOf('.')] : "")
        {
            yield return current;
        }
    }

    /// <summary>Public types of the product's assemblies and of every assembly they reference: all a function can inject.</summary>
    private static List<Type> LoadKnownTypes()
    {
        var product = OptionsKeys.ProductAssemblies().ToList();
        var assemblies = product
            .Concat(product.SelectMany(assembly => assembly.GetReferencedAssemblies()).Select(Assembly.Load))
            .Distinct();
        return assemblies.SelectMany(assembly => assembly.GetExportedTypes()).ToList();
    }

    /// <summary>The text between the parenthesis at <paramref name="open"/> and its match.</summary>
    private static string Balanced(string source, int open)
    {
        var depth = 0;
        for (var i = open; i < source.Length; i++)
        {
            depth += source[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (depth == 0)
            {
                return source[(open + 1)..i];
            }
        }

        throw new InvalidDataException($"Unbalanced parenthesis at {open}.");
    }

    /// <summary>Splits at commas outside (), [] and &lt;&gt;.</summary>
    private static List<string> SplitTopLevel(string text)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] switch { '(' or '[' or '<' => 1, ')' or ']' or '>' => -1, _ => 0 };
            if (text[i] == ',' && depth == 0)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        if (!string.IsNullOrWhiteSpace(text[start..]))
        {
            parts.Add(text[start..]);
        }

        return parts;
    }

    [GeneratedRegex(@"\[Function\(")]
    private static partial Regex FunctionAttribute();

    [GeneratedRegex(@"^using\s+(?<ns>[A-Za-z0-9_.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex Usings();

    [GeneratedRegex(@"^namespace\s+(?<ns>[A-Za-z0-9_.]+)", RegexOptions.Multiline)]
    private static partial Regex FileNamespace();

    [GeneratedRegex(@"^[ \t]*(?:(?:public|internal|sealed|partial|abstract|file)\s+)*class\s+(?<name>[A-Za-z_]\w*)\s*(?<primary>\()?", RegexOptions.Multiline)]
    private static partial Regex ClassDeclaration();

    [GeneratedRegex(@"^(?:\[(?<attribute>[^\]]*)\]\s*)*(?<type>[A-Za-z_][\w.]*(?:<.*>)?\??)\s+(?<name>@?\w+)(?:\s*=.*)?$", RegexOptions.Singleline)]
    private static partial Regex ParameterSyntax();

    [GeneratedRegex(@"^FromKeyedServices\((?<key>.*)\)$", RegexOptions.Singleline)]
    private static partial Regex KeyedAttribute();

    [GeneratedRegex(@"^(?<name>[\w.]+)<(?<arguments>.*)>$", RegexOptions.Singleline)]
    private static partial Regex GenericSyntax();

    /// <summary>A function class as declared in src/Functions, with the source of its file.</summary>
    internal sealed record FunctionClass(string Name, string File, string Source, IReadOnlyList<FunctionParameter> Parameters);

    /// <summary>One constructor parameter of a function class: the service (and key) its activation needs.</summary>
    internal sealed record FunctionParameter(string FunctionClass, string File, string Name, string TypeName, Type ServiceType, object? Key)
    {
        public override string ToString() => $"{FunctionClass}({(Key is null ? "" : $"[FromKeyedServices(\"{Key}\")] ")}{TypeName} {Name}) in {File}";
    }
}
