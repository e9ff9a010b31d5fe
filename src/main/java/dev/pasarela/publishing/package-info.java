/**
 * What publishing integrations (Facebook and Instagram posts, Marketplace listings, the catalog
 * feed) need from other integrations, as ports: a tenant's stored media reachable by Meta
 * ({@link TenantMedia}, implemented by Storage) and written copy for a vehicle
 * ({@link VehicleCopywriter}, implemented by AI). The ports live here so that no integration
 * package imports another.
 */
package dev.pasarela.publishing;
