-- AlterTable
ALTER TABLE "routes" ADD COLUMN     "accept_external_tokens" BOOLEAN NOT NULL DEFAULT false;
