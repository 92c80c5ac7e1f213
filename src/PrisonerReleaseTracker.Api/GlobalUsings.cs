// What nearly every file of the API uses: the web framework, EF Core (and its model builders), validation, JSON,
// invariant formatting, the data layer and the domain, whose types are the API's vocabulary. Feature namespaces stay
// explicit in each file.
global using System.Globalization;
global using System.Text.Json;
global using System.Text.Json.Serialization;
global using FluentValidation;
global using Microsoft.AspNetCore.Authorization;
global using Microsoft.AspNetCore.Mvc;
global using Microsoft.EntityFrameworkCore;
global using Microsoft.EntityFrameworkCore.Metadata.Builders;
global using PrisonerReleaseTracker.Api.Data;
global using PrisonerReleaseTracker.Api.Infrastructure;
global using PrisonerReleaseTracker.Domain;
global using PrisonerReleaseTracker.Domain.Access;
global using PrisonerReleaseTracker.Domain.Audit;
global using PrisonerReleaseTracker.Domain.Changes;
global using PrisonerReleaseTracker.Domain.Claims;
global using PrisonerReleaseTracker.Domain.Detainees;
global using PrisonerReleaseTracker.Domain.Facilities;
global using PrisonerReleaseTracker.Domain.Imports;
global using PrisonerReleaseTracker.Domain.Lists;
global using PrisonerReleaseTracker.Domain.Releases;
global using PrisonerReleaseTracker.Domain.Sources;
global using PrisonerReleaseTracker.Domain.Tallies;
global using PrisonerReleaseTracker.Domain.Webhooks;

// Every controller is an API controller: binding sources inferred, automatic 400 for what binding refuses.
[assembly: ApiController]
