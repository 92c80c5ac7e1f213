// What nearly every file of the API uses: the web framework, EF Core, validation, the data layer and the domain's
// shared types. Feature namespaces stay explicit in each file.
global using FluentValidation;
global using Microsoft.AspNetCore.Authorization;
global using Microsoft.AspNetCore.Mvc;
global using Microsoft.EntityFrameworkCore;
global using PrisonerReleaseTracker.Api.Data;
global using PrisonerReleaseTracker.Api.Infrastructure;
global using PrisonerReleaseTracker.Domain;

// Every controller is an API controller: binding sources inferred, automatic 400 for what binding refuses.
[assembly: ApiController]
