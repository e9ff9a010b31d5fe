/**
 * Marketplace "asistido" and the vehicles catalog feed. Facebook Marketplace has no public API for
 * listing cars (vehicle listings are a closed partner beta), so nothing here calls Meta: the
 * gateway holds the tenant's vehicle inventory ({@code /api/v1/catalog/vehicles}), prepares a
 * listing package with a staff page the dealer's staff copy from and confirm on
 * ({@code /api/v1/marketplace/listings}, {@code /marketplace/l/{token}}), and serves the inventory
 * as a CSV in Meta's automotive inventory format ({@code /feeds/{token}/meta-vehicles.csv}) that a
 * Commerce catalog fetches on a schedule. Photos and copy come through the
 * {@link dev.pasarela.publishing} ports, never from the storage or AI packages.
 */
package dev.pasarela.integrations.meta.marketplace;
