-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN     "client_address" TEXT;
