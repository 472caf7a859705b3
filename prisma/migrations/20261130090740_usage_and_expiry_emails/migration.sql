-- CreateTable
CREATE TABLE "usage_hours" (
    "account_id" UUID NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "route_id" TEXT NOT NULL DEFAULT '',
    "allowed" INTEGER NOT NULL DEFAULT 0,
    "denied" INTEGER NOT NULL DEFAULT 0,
    "last_at" TIMESTAMPTZ(3) NOT NULL,
    "last_address" TEXT,

    CONSTRAINT "usage_hours_pkey" PRIMARY KEY ("account_id","hour","route_id")
);

-- CreateTable
CREATE TABLE "expiry_emails" (
    "account_id" UUID NOT NULL,
    "threshold" INTEGER NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "claimed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "expiry_emails_pkey" PRIMARY KEY ("account_id","threshold","expires_at")
);

-- CreateIndex
CREATE INDEX "usage_hours_hour_idx" ON "usage_hours"("hour");
