-- AlterTable
ALTER TABLE "AccountState" ADD COLUMN     "erasedAt" TIMESTAMPTZ(3),
ADD COLUMN     "erasureRequestedAt" TIMESTAMPTZ(3),
ADD COLUMN     "pseudonym" TEXT,
ADD COLUMN     "termsAcceptedAt" TIMESTAMPTZ(3),
ADD COLUMN     "termsVersion" TEXT;

-- CreateTable
CREATE TABLE "PendingRegistration" (
    "id" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "termsVersion" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "confirmedAt" TIMESTAMPTZ(3),
    "userId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PendingRegistration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InstitutionProfile" (
    "institutionId" TEXT NOT NULL,
    "legalNameEn" TEXT NOT NULL,
    "legalNameRu" TEXT NOT NULL,
    "normalizedName" TEXT NOT NULL,
    "countryCode" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "registrationNumber" TEXT NOT NULL,
    "normalizedRegNo" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "website" TEXT,
    "status" TEXT NOT NULL,
    "decisionReason" TEXT,
    "decidedById" TEXT,
    "decidedAt" TIMESTAMPTZ(3),
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InstitutionProfile_pkey" PRIMARY KEY ("institutionId")
);

-- CreateTable
CREATE TABLE "InstitutionMember" (
    "institutionId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InstitutionMember_pkey" PRIMARY KEY ("institutionId","userId")
);

-- CreateTable
CREATE TABLE "Invitation" (
    "id" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "countryCode" TEXT,
    "institutionId" TEXT,
    "institutionRole" TEXT,
    "invitedById" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "sentCount" INTEGER NOT NULL DEFAULT 1,
    "acceptedAt" TIMESTAMPTZ(3),
    "acceptedUserId" TEXT,
    "revokedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Invitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExpertApplication" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "profile" JSONB NOT NULL,
    "expertId" TEXT,
    "decisionReason" TEXT,
    "decidedById" TEXT,
    "decidedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ExpertApplication_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExpertStanding" (
    "expertId" TEXT NOT NULL,
    "suspended" BOOLEAN NOT NULL,
    "reason" TEXT,
    "changedById" TEXT NOT NULL,
    "changedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ExpertStanding_pkey" PRIMARY KEY ("expertId")
);

-- CreateIndex
CREATE UNIQUE INDEX "PendingRegistration_tokenHash_key" ON "PendingRegistration"("tokenHash");

-- CreateIndex
CREATE INDEX "PendingRegistration_email_idx" ON "PendingRegistration"("email");

-- CreateIndex
CREATE INDEX "InstitutionProfile_status_idx" ON "InstitutionProfile"("status");

-- CreateIndex
CREATE INDEX "InstitutionProfile_normalizedName_idx" ON "InstitutionProfile"("normalizedName");

-- CreateIndex
CREATE UNIQUE INDEX "InstitutionProfile_countryCode_normalizedRegNo_key" ON "InstitutionProfile"("countryCode", "normalizedRegNo");

-- CreateIndex
CREATE INDEX "InstitutionMember_userId_idx" ON "InstitutionMember"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Invitation_tokenHash_key" ON "Invitation"("tokenHash");

-- CreateIndex
CREATE INDEX "Invitation_email_idx" ON "Invitation"("email");

-- CreateIndex
CREATE INDEX "Invitation_institutionId_idx" ON "Invitation"("institutionId");

-- CreateIndex
CREATE UNIQUE INDEX "ExpertApplication_userId_key" ON "ExpertApplication"("userId");

-- CreateIndex
CREATE INDEX "ExpertApplication_status_idx" ON "ExpertApplication"("status");

-- CreateIndex
CREATE UNIQUE INDEX "AccountState_pseudonym_key" ON "AccountState"("pseudonym");
