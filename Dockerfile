# syntax=docker/dockerfile:1
# Build: docker build -t prisoner-release-tracker .   (or: docker compose up --build)

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so the layer is reused until a dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig* ./
COPY src/PrisonerReleaseTracker.Domain/PrisonerReleaseTracker.Domain.csproj src/PrisonerReleaseTracker.Domain/
COPY src/PrisonerReleaseTracker.Api/PrisonerReleaseTracker.Api.csproj src/PrisonerReleaseTracker.Api/
RUN dotnet restore src/PrisonerReleaseTracker.Api/PrisonerReleaseTracker.Api.csproj
COPY src/ src/
RUN dotnet publish src/PrisonerReleaseTracker.Api/PrisonerReleaseTracker.Api.csproj \
    -c Release -o /app --no-restore -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The aspnet images ship a non-root user "app" (uid in APP_UID).
USER $APP_UID
ENV ASPNETCORE_URLS=http://+:5080 \
    DOTNET_NOLOGO=1
EXPOSE 5080
ENTRYPOINT ["dotnet", "PrisonerReleaseTracker.Api.dll"]
