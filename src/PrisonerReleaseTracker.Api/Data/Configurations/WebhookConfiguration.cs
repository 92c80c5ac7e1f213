using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using PrisonerReleaseTracker.Api.Features.Webhooks;

namespace PrisonerReleaseTracker.Api.Data.Configurations;

internal sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public void Configure(EntityTypeBuilder<WebhookSubscription> builder)
    {
        builder.Property(s => s.Organization).HasMaxLength(Limits.ShortText);
        builder.Property(s => s.Url).HasMaxLength(Limits.Url);
        builder.Property(s => s.Description).HasMaxLength(WebhookSubscription.MaxDescription);
        builder.Property(s => s.Events);
        builder.Property(s => s.DisabledReason).HasMaxLength(WebhookSubscription.MaxReason);
        builder.Ignore(s => s.Filters);
        builder.HasIndex(s => s.Organization);
        builder.Property<uint>(AppDbContext.RowVersion).IsRowVersion();
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        // Every insert wakes the dispatchers of every instance (LISTEN/NOTIFY); the trigger is created by the migration.
        builder.ToTable(t => t.HasTrigger(WebhookListener.NotifyTrigger));
        builder.Property(d => d.LastError).HasMaxLength(WebhookDelivery.MaxError);
        builder.Ignore(d => d.MessageId);
        builder.HasOne<WebhookSubscription>().WithMany().HasForeignKey(d => d.SubscriptionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<RecordChange>().WithMany().HasForeignKey(d => d.ChangeSequence).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(d => new { d.SubscriptionId, d.Id });
        // What the dispatcher claims: due deliveries, in the order they fell due.
        builder.HasIndex(d => d.NextAttemptAt).HasFilter($"status = '{nameof(WebhookDeliveryStatus.Pending)}'").HasDatabaseName("ix_webhook_deliveries_due");
        builder.Property<uint>(AppDbContext.RowVersion).IsRowVersion();
    }
}

/// <summary>The Data Protection key ring (ASP.NET Core's own entity), shared by every instance.</summary>
internal sealed class DataProtectionKeyConfiguration : IEntityTypeConfiguration<DataProtectionKey>
{
    public void Configure(EntityTypeBuilder<DataProtectionKey> builder) => builder.ToTable("data_protection_keys");
}
